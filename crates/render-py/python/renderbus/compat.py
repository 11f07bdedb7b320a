"""A drop-in for the official client, rayvision-api 3.0.4.3: change one import,

    from rayvision_api import RayvisionAPI      # before
    from renderbus.compat import RayvisionAPI   # after

and a pipeline keeps its calls — the constructor's arguments, the operators `user`, `query`,
`task`, `tag`, `env` and `transmit` with the official method names, arguments and defaults, the
same request bodies and the same replies (the service's `data` as sent) — while the calls run
in renderbus's client core: reads are retried on a transient failure (the official client
retries every call five times, writes included), a write is never sent twice and a lost reply
is settled by reading its effect back, and the clock skew between this machine and the service
is corrected.

An error code from the service raises `RayvisionAPIError` with the official attributes
(`error_code`, `error`, `request`); it is also a `renderbus.ApiError`. What differs, and why:

- Failures that are not the service's error codes raise renderbus's exceptions
  (`renderbus.TransportError`, `renderbus.OutcomeUnknown`, …) where the official client raises
  the `requests` library's, after retrying.
- A request that does not fit the endpoint (a wrong type, an unknown parameter) raises
  `renderbus.InvalidArgument` (a `ValueError` and a `TypeError`) before anything is sent, where
  the official client's schema check raises `ValueError`.
- Logging goes to the `renderbus.compat` logger and never holds a header: the official client
  writes every request's signature and headers to its log file. `log_folder`, `log_name` are
  accepted and not used.
- `connect.post(path, data)` takes the path as a string; the official `connect.url` enum is not
  offered. `submit_by_data` is not offered (it needs rayvision-api's task checker).
"""

import logging
import os
import platform as _platform
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ._client import Client
from ._errors import ApiError, Error, InvalidArgument
from ._generated.api import PATHS

__all__ = [
    "RayvisionAPI",
    "RayvisionError",
    "RayvisionAPIError",
    "RayvisonTaskIdError",
    "DCC_ID_MAPPINGS",
]

#: The software names rayvision-api 3.0.4.3 takes (`supported_plugin("maya")`) and their cgIds,
#: as its constants give them (codes as text).
DCC_ID_MAPPINGS = {
    "maya": "2000",
    "3ds max": "2001",
    "lightwave": "2002",
    "arnold": "2003",
    "houdini": "2004",
    "cinema4d": "2005",
    "softimage": "2006",
    "blender": "2007",
    "vr_standalone": "2008",
    "mr_standalone": "2009",
    "sketchup": "2010",
    "vue": "2011",
    "keyshot": "2012",
    "clarisse": "2013",
    "octane_render": "2014",
    "nuke": "2015",
    "katana": "2016",
    "unreal engine": "2020",
}

Data = Dict[str, Any]


class RayvisionError(Error):
    """The official base error: `error_code` and `error` (the message)."""

    def __init__(self, error_code: Any, error: Any, *args: Any) -> None:
        Error.__init__(self, str(error))
        self.error_code = error_code
        self.error = error

    def __str__(self) -> str:
        return "RayvisionError: {0}: {1}".format(self.error_code, self.error)


class RayvisonTaskIdError(RayvisionError):
    """A task id that is not an int (the official spelling, `Rayvison`, kept)."""

    def __init__(self, error_code: Any, error: Any) -> None:
        super().__init__(2000, error)

    def __str__(self) -> str:
        return "Error code: {}, Error message: {}".format(self.error_code, self.error)


class RayvisionAPIError(RayvisionError, ApiError):
    """The service answered with an error code: `error_code`, `error` (its message) and
    `request` (the URL called), as the official error has them; and renderbus's `ApiError`
    attributes (`code`, `name`, `service_message`, `request_id`, `endpoint`)."""

    def __init__(self, error_code: Any, error: Any, request: str, cause: Optional[ApiError] = None) -> None:
        RayvisionError.__init__(self, error_code, error)
        self.request = request
        self.code = error_code
        self.name = cause.name if cause else None
        self.service_message = str(error)
        self.request_id = cause.request_id if cause else None
        self.endpoint = cause.endpoint if cause else ""

    def __str__(self) -> str:
        return "Error code: {}, Error message: {}, URL: {}".format(
            self.error_code, self.error, self.request
        )


def _snake(name: str) -> str:
    """`userName` → `user_name`, as the official client names the keys of `user_info`."""
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i > 0 and (name[i - 1].islower() or name[i - 1].isdigit()):
            out.append("_")
        out.append(c)
    return "".join(out).lower()


class Connect:
    """The calls by URL path (`connect.post("/api/render/common/queryPlatforms", data)`)."""

    def __init__(self, client: Client, domain: str, protocol: str, platform: str) -> None:
        self._client = client
        self.domain = domain
        self.platform = platform
        self._base = "{0}://{1}".format(protocol, domain)
        self.logger = logging.getLogger("renderbus.compat")

    def post(self, api_url: str, data: Optional[Data] = None, validator: bool = True) -> Any:
        """Posts `data` to the endpoint at path `api_url`; answers the reply's `data` as sent.
        `validator` is accepted: the request is always checked against the spec."""
        name = PATHS["v2"].get(str(api_url))
        if name is None:
            raise InvalidArgument(
                "{0} is not the path of an endpoint of API 2.0.0".format(api_url), argument="api_url"
            )
        return self.call(name, data)

    def call(self, name: str, data: Optional[Data] = None) -> Any:
        """Calls endpoint `name` (its wire name) with `data`; the reply's `data` as sent."""
        self.logger.debug("POST %s", name)
        try:
            return self._client._call_raw(name, dict(data or {}))
        except ApiError as e:
            path = next(p for p, n in PATHS["v2"].items() if n == name)
            raise RayvisionAPIError(e.code, e.service_message, self._base + path, e) from e


class UserOperator:
    """The official `api.user`."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self._info: Data = {
            "local_os": _platform.system().lower(),
            "domain": connect.domain,
            "platform": connect.platform,
        }

    @property
    def info(self) -> Data:
        """The account as the login read it (profile, settings and transfer ids, keys in snake
        case), with `local_os`, `domain` and `platform`."""
        return self._info

    @property
    def user_id(self) -> Any:
        """The account's user id (asks the service)."""
        return self.query_user_profile()["userId"]

    def query_user_profile(self) -> Data:
        return self._connect.call("queryUserProfile")  # type: ignore[no-any-return]

    def query_user_setting(self) -> Data:
        return self._connect.call("queryUserSetting")  # type: ignore[no-any-return]

    def update_user_settings(self, task_over_time: int) -> Any:
        return self._connect.call("updateUserSetting", {"taskOverTimeSec": task_over_time})

    def get_transfer_bid(self) -> Data:
        return self._connect.call("getTransferBid")  # type: ignore[no-any-return]

    def _login(self) -> None:
        merged = dict(self.query_user_profile())
        merged.update(self.query_user_setting())
        merged.update(self.get_transfer_bid())
        self._update_user_info(merged)

    def _update_user_info(self, user_profile: Data) -> None:
        for key, value in user_profile.items():
            key = _snake(key)
            if key != "platform":
                self._info[key] = value

    def get_hardware_config(self, task_ids: Optional[Sequence[Any]] = None) -> Any:
        data: Data = {"cloneTask": "false"}
        if task_ids:
            data["taskIds"] = task_ids
        return self._connect.call("listHardwareConfigs", data)

    def task_record(self, pageNum: int = 1, pageSize: int = 10, startDate: str = "", endDate: str = "") -> Any:  # noqa: N803
        return self._connect.call(
            "taskRecord",
            {
                "platform": int(self._info["platform"]),
                "pageNum": pageNum,
                "pageSize": pageSize,
                "startDate": startDate,
                "endDate": endDate,
            },
        )

    def login_record(self, pageNum: int = 1, pageSize: int = 10, startDate: str = "", endDate: str = "") -> Any:  # noqa: N803
        return self._connect.call(
            "loginRecord",
            {"pageNum": pageNum, "pageSize": pageSize, "startDate": startDate, "endDate": endDate},
        )


def _selection(task_id: Any, select_all: int, ids_list: Optional[Sequence[Any]], status: Any) -> Data:
    """The body of restartFrame and stopTaskFrames, checked as the official client checks it."""
    if select_all == 1:
        if not task_id:
            raise AttributeError("task_id is required when select_all is 1")
        data: Data = {"taskId": task_id, "selectAll": select_all}
    elif ids_list:
        data = {"taskId": task_id, "ids": ids_list, "selectAll": select_all}
    else:
        raise AttributeError("ids is required when select_all is 0")
    if status:
        data["status"] = status
    return data


class QueryOperator:
    """The official `api.query`."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    def platforms(self) -> Any:
        zone = 1 if "renderbus" in self._connect.domain.lower() else 2
        return self._connect.call("queryPlatforms", {"zone": zone})

    def error_detail(self, code: Any = None, codes: Any = None, language: Any = 0) -> Any:
        data: Data = {"language": language}
        if code:
            data["code"] = code
        if codes:
            data["codes"] = codes
        if not code and not codes:
            raise AssertionError("code and codes at least one")
        return self._connect.call("queryErrorDetail", data)

    def get_task_list(
        self,
        page_num: int = 1,
        page_size: int = 100,
        status_list: Optional[Sequence[int]] = None,
        search_keyword: Optional[str] = None,
        start_time: Optional[str] = None,
        end_time: Optional[str] = None,
        recycle_flag: Optional[int] = None,
    ) -> Any:
        data: Data = {"pageNum": page_num, "pageSize": page_size}
        for key, value in (
            ("statusList", status_list),
            ("searchKeyword", search_keyword),
            ("startTime", start_time),
            ("endTime", end_time),
            ("recycleFlag", recycle_flag),
        ):
            if value:
                data[key] = value
        return self._connect.call("getTaskList", data)

    def task_frames(self, task_id: Any, page_num: int = 1, page_size: int = 100, search_keyword: Optional[str] = None) -> Any:
        data: Data = {"taskId": task_id, "pageNum": page_num, "pageSize": page_size}
        if search_keyword:
            data["searchKeyword"] = search_keyword
        return self._connect.call("queryTaskFrames", data)

    def all_frame_status(self) -> Any:
        return self._connect.call("queryAllFrameStats")

    def restart_failed_frames(self, task_param_list: Sequence[Any], status: Any = None) -> Any:
        data: Data = {"taskIds": task_param_list}
        if status:
            data["status"] = status
        return self._connect.call("restartFailedFrames", data)

    def restart_frame(self, task_id: Any, select_all: int = 1, ids_list: Optional[Sequence[Any]] = None, status: Any = None) -> Any:
        return self._connect.call("restartFrame", _selection(task_id, select_all, ids_list, status))

    def task_info(self, task_ids_list: Sequence[Any]) -> Any:
        return self._connect.call("queryTaskInfo", {"taskIds": task_ids_list})

    def supported_software(self) -> Any:
        return self._connect.call("querySupportedSoftware")

    def supported_plugin(self, name: str, os_name: str = "default") -> Any:
        cg_id = int(DCC_ID_MAPPINGS[name.strip()])
        if os_name == "default":
            os_name = "windows" if sys.platform.startswith("win") else "linux"
        return self._connect.call("querySupportedPlugin", {"cgId": cg_id, "osName": os_name})

    def get_transfer_server_msg(self) -> Any:
        # The official client asks zone 1 of an overseas domain and 2 of task.renderbus.com,
        # the reverse of `platforms`: kept, so that the same farm answers the same.
        zone = 1 if "renderbus" not in self._connect.domain else 2
        return self._connect.call("getTransferServerMsg", {"zone": zone})

    def get_raysync_user_key(self) -> Any:
        return self._connect.call("getRaySyncUserKey")

    def get_task_processing_img(self, task_id: Any, frame_type: Any = None) -> Any:
        data: Data = {"taskId": task_id}
        if frame_type:
            data["frameType"] = frame_type
        return self._connect.call("loadTaskProcessImg", data)

    def get_frame_thumbnall(self, frame_id: Any, frame_status: int = 4) -> Any:
        return self._connect.call("loadingFrameThumbnail", {"id": frame_id, "frameStatus": frame_status})

    def get_all_frames(self, task_id: Any, start_page: int = 1, end_page: int = 2000, page_size: int = 100) -> Dict[Any, Data]:
        """Every frame of the task by its `frameIndex`, page by page until an empty page."""
        frames: Dict[Any, Data] = {}
        for page in range(int(start_page), int(end_page) + 1):
            items = self.task_frames(task_id=int(task_id), page_num=page, page_size=page_size)["items"]
            if not items:
                break
            for frame in items:
                frames[frame["frameIndex"]] = frame
        return frames

    def get_custome_frames(self, task_id: Any, restartframes: Sequence[str]) -> Any:
        ids = [f["id"] for index, f in self.get_all_frames(task_id).items() if str(index) in restartframes]
        return self.restart_frame(ids_list=ids, select_all=0, task_id=task_id)

    def get_small_task_id(self, task_id: Any) -> List[Any]:
        items = self.task_info(task_ids_list=[int(task_id)]).get("items")
        if not items:
            return [int(task_id)]
        return [task["id"] for task in items[0].get("respRenderingTaskList", [])]

    def stop_frame(self, task_id: Any, select_all: int = 1, ids_list: Optional[Sequence[Any]] = None, status: Any = None) -> Any:
        return self._connect.call("stopTaskFrames", _selection(task_id, select_all, ids_list, status))

    def frame_number_to_stop(self, task_id: Any, stop_frame: Sequence[str]) -> Any:
        ids = [f["id"] for index, f in self.get_all_frames(task_id).items() if str(index) in stop_frame]
        return self.stop_frame(ids_list=ids, select_all=0, task_id=task_id)

    def get_render_log(self, renderingType: str = "render", pageNum: int = 1, pageSize: int = 1, frame_id: Any = None) -> Any:  # noqa: N803
        return self._connect.call(
            "showLog",
            {"renderingType": renderingType, "pageNum": pageNum, "pageSize": pageSize, "id": frame_id},
        )

    def get_pack_node_info(self) -> Any:
        return self._connect.call("getUserPackNodeInfo")


class TaskOperator:
    """The official `api.task`."""

    TASK_PARAM = "taskIds"

    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self._has_submit = False
        self._task_id: Any = None

    def create_task(
        self,
        count: int = 1,
        task_user_level: int = 50,
        out_user_id: Any = None,
        labels: Optional[Sequence[str]] = None,
        clone_original_id: Any = None,
        artist: Optional[str] = None,
    ) -> Any:
        data: Data = {"count": count, "taskUserLevel": task_user_level}
        if out_user_id:
            data["outUserId"] = out_user_id
        if labels:
            data["labels"] = labels
        if clone_original_id:
            data["cloneOriginalId"] = int(clone_original_id)
        if artist:
            data["artist"] = artist
        return self._connect.call("createTask", data)

    @property
    def task_id(self) -> Any:
        """A task id to submit: the one created last, until it is submitted; then a new one."""
        if self._has_submit or not self._task_id:
            created = self.create_task(count=1).get("taskIdList")
            if not created:
                raise RayvisionError(1000000, "Failed to create task number!")
            self._task_id = created[0]
            self._has_submit = False
        return self._task_id

    def submit_task(self, task_id: Any, producer: Optional[str] = None, only_id: bool = False) -> Any:
        data: Data = {"taskId": task_id}
        if producer:
            data["producer"] = producer
        reply = self._connect.call("submitTask", data)
        if only_id:
            return task_id
        self._has_submit = True
        return reply

    def stop_task(self, task_param_list: Sequence[Any]) -> Any:
        return self._connect.call("stopTask", {self.TASK_PARAM: task_param_list})

    def start_task(self, task_param_list: Sequence[Any]) -> Any:
        return self._connect.call("startTask", {self.TASK_PARAM: task_param_list})

    def abort_task(self, task_param_list: Sequence[Any]) -> Any:
        return self._connect.call("abortTask", {self.TASK_PARAM: task_param_list})

    def delete_task(self, task_param_list: Sequence[Any]) -> Any:
        return self._connect.call("deleteTask", {self.TASK_PARAM: task_param_list})

    def update_priority(self, task_id: Any, priority: int) -> Any:
        return self._connect.call("updateTaskUserLevel", {"taskId": task_id, "taskUserLevel": priority})

    def set_task_overtime_top(self, task_id_list: Sequence[Any], overtime: int) -> Any:
        return self._connect.call("setOverTimeStop", {"taskIds": task_id_list, "overTime": overtime})

    def full_speed(self, task_id_list: Sequence[Any]) -> Any:
        return self._connect.call("fullSpeed", {"taskIds": task_id_list})

    def update_task_limit(self, taskId: Any, taskLimit: Any) -> Any:  # noqa: N803
        return self._connect.call("updateTaskLimit", {"taskId": taskId, "taskLimit": taskLimit})

    def edit_task_hardware_config(self, taskIds: Any, hardwareConfigIds: Any, model: Any, gpuNum: Any, ram: Any) -> Any:  # noqa: N803
        return self._connect.call(
            "editTaskHardwareConfig",
            {"taskIds": taskIds, "hardwareConfigIds": hardwareConfigIds, "model": model, "gpuNum": gpuNum, "ram": ram},
        )


class TagOperator:
    """The official `api.tag`."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    def add_label(self, new_name: str, status: Union[int, str] = 1) -> Any:
        return self._connect.call("addLabel", {"newName": new_name, "status": int(status)})

    def delete_label(self, del_name: str) -> Any:
        return self._connect.call("deleteLabel", {"delName": del_name})

    def get_label_list(self) -> Any:
        return self._connect.call("getLabelList")

    def get_project_list(self) -> Any:
        return self.get_label_list()["projectNameList"]

    def add_task_tag(self, tag: str, task_ids: Sequence[Any]) -> Any:
        return self._connect.call("addTaskLabel", {"label": tag, "taskIds": task_ids})

    def delete_task_tag(self, taskIds: Sequence[Any], labelNames: Sequence[str], tag_ids: Optional[Sequence[Any]] = None) -> Any:  # noqa: N803
        return self._connect.call(
            "deleteTaskLabel", {"taskIds": taskIds, "labelNames": labelNames, "labelIds": tag_ids or []}
        )

    def get_list(self, flag: int = 0) -> Any:
        return self._connect.call("listProjects", {"flag": flag})


class RenderEnvOperator:
    """The official `api.env`."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    def add_render_env(self, data: Data) -> Any:
        return self._connect.call("addRenderEnv", data)

    def update_render_env(self, data: Data) -> Any:
        return self._connect.call("updateRenderEnv", data)

    def delete_render_env(self, edit_name: str) -> Any:
        return self._connect.call("deleteRenderEnv", {"editName": edit_name})

    def set_default_render_env(self, edit_name: str) -> Any:
        return self._connect.call("setDefaultRenderEnv", {"editName": edit_name})

    def get_render_env(self, name: Optional[str] = None, cg_names: Optional[List[str]] = None, os_name: Any = 1) -> Any:
        data: Data = {}
        if name:
            # The official client sends the code as text ("2000"), which its own schema and the
            # spec refuse: `InvalidArgument` (a ValueError) here, its schema's ValueError there.
            data = {"cgId": DCC_ID_MAPPINGS[name]}
        if cg_names:
            if not isinstance(cg_names, list):
                raise TypeError("cg_names is must list.")
            data["cgIds"] = [DCC_ID_MAPPINGS[n] for n in cg_names]
        if os_name or os_name == 0:
            data["osName"] = os_name
        return self._connect.call("getRenderEnv", data)


class TransmitOperator:
    """The official `api.transmit`."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    def upload_json_content(self, task_id: Any, content: str, file_name: str = "task.json") -> Any:
        return self._connect.call("taskJsonFile", {"taskId": task_id, "fileName": file_name, "content": content})

    def get_transfer_config(self) -> Any:
        return self._connect.call("getConfig")

    def get_output_files(self, task_id: Any = None, tree_path: str = "/") -> Any:
        data: Data = {"treePath": tree_path}
        if task_id:
            data["taskId"] = task_id
            data["treePath"] = "/"
        return self._connect.call("getOutputUserDirFile", data)


def _timeout(timeout: Union[float, Tuple[float, float], None]) -> Optional[float]:
    """The official `timeout` (seconds, or a (connect, read) pair) as one call's time in all."""
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        return float(sum(timeout))
    return float(timeout)


class RayvisionAPI:
    """The official client's constructor and operators over renderbus: see the module's doc.

    It logs in as the official one does (queryUserProfile, queryUserSetting, getTransferBid),
    filling `user_info`. Credentials not given come from `RAYVISION_API_ACCESS_ID` and
    `RAYVISION_API_KEY`, as the official client reads them.
    """

    def __init__(
        self,
        access_id: Optional[str] = None,
        access_key: Optional[str] = None,
        domain: str = "task.renderbus.com",
        platform: str = "4",
        protocol: str = "https",
        logger: Optional[logging.Logger] = None,
        log_folder: Optional[str] = None,
        log_name: Optional[str] = None,
        log_level: str = "DEBUG",
        timeout: Union[float, Tuple[float, float], None] = 60,
    ) -> None:
        self.logger = logger or logging.getLogger("renderbus.compat")
        if logger is None:
            self.logger.setLevel(log_level.upper())
        self.platform = platform
        access_id = access_id or os.getenv("RAYVISION_API_ACCESS_ID")
        if not access_id:
            raise TypeError(
                'Required "access_id" not specified. Pass as argument or set '
                "in environment variable RAYVISION_API_ACCESS_ID."
            )
        access_key = access_key or os.getenv("RAYVISION_API_KEY")
        if not access_key:
            raise TypeError(
                'Required "access_key" not specified. Pass as argument or set '
                "in environment variable RAYVISION_API_KEY."
            )
        client = Client(
            access_id,
            access_key,
            "{0}://{1}".format(protocol, domain),
            platform,
            api_version=2,
            timeout=_timeout(timeout),
        )
        self._connect = Connect(client, domain, protocol, platform)
        self._connect.logger = self.logger
        self.user = UserOperator(self._connect)
        self.task = TaskOperator(self._connect)
        self.query = QueryOperator(self._connect)
        self.tag = TagOperator(self._connect)
        self.env = RenderEnvOperator(self._connect)
        self.transmit = TransmitOperator(self._connect)
        self.user._login()

    @property
    def user_info(self) -> Data:
        """What the login learnt of the account (see `user.info`)."""
        return self.user.info

    @property
    def connect(self) -> Connect:
        """The calls by URL path: `connect.post(path, data)`."""
        return self._connect

    def get_user_id(self) -> Any:
        """The account's user id."""
        try:
            return self.user.user_id
        except KeyError:
            raise RayvisionError(1000000, "Failed to get user number!") from None

    def check_and_add_project_name(self, project_name: str) -> str:
        """The id of the project label `project_name` (as text), adding the label when there
        is none; `""` when it still is not there after adding it."""
        project_id = ""
        found = False
        for _ in range(2):
            for label in self.tag.get_list(flag=2).get("projectNameList", []):
                if label["projectName"] == project_name:
                    found = True
                    project_id = str(label["projectId"])
                    break
            if not found:
                self.tag.add_label(project_name, "0")
            elif project_id != "":
                break
        return project_id

    def submit(self, task_id: int, producer: Optional[str] = None) -> bool:
        """Submits task `task_id` (an int, else `RayvisonTaskIdError`)."""
        if not isinstance(task_id, int):
            raise RayvisonTaskIdError(10006, "task_id must int !!!!")
        self.task.submit_task(task_id, producer)
        return True
