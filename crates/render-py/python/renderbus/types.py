"""The replies' models, as `TypedDict`s by wire name (`TaskInfo`, `FrameInfo`, `TaskInfoPage`…),
generated from api-spec.yaml: name them in a pipeline's annotations.

A reply may hold more keys than its model: fields the spec does not know are kept.
"""

from ._generated.models import *  # noqa: F401,F403
from ._generated.models import __all__ as __all__  # noqa: F401
