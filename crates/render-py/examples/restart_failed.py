"""A pipeline step: wait for a shot's task, restart its failed frames once, report the result.

Typed end to end: `mypy --strict` checks it against the package's generated stubs.
"""

import sys
from typing import List

import renderbus
from renderbus import FrameSelection, FrameStatus, TaskStatus
from renderbus.types import TaskInfo


def failed_frames(client: renderbus.Client, task_id: int) -> List[int]:
    """The ids of the task's failed frames, from every page."""
    return [f["id"] for f in client.iter_query_task_frames(task_id) if f["frameStatus"] == FrameStatus.FAILED]


def render(client: renderbus.Client, task_id: int) -> TaskStatus:
    def progress(task: TaskInfo) -> None:
        print(f"  {task['doneFrames']} of {task['totalFrames']} frames", file=sys.stderr)

    client.submit_task(task_id)
    task = client.wait_for_task(task_id, interval=0.5, on_progress=progress)
    failed = failed_frames(client, task_id)
    if failed:
        print(f"restarting frames {failed}")
        client.restart_frame(task_id, FrameSelection.LISTED, ids=failed)
        task = client.wait_for_task(task_id, interval=0.5)
    return TaskStatus(task["taskStatus"])


def main() -> int:
    with renderbus.MockFarm(speed=600, frames=6, fail_frames=[2, 5]) as farm:
        client = farm.client()
        client.add_label("shot010")
        labels = [label["projectName"] for label in client.get_label_list()["projectNameList"]]
        print("projects:", ", ".join(labels))
        task_id = client.create_task(task_user_level=60)["taskIdList"][0]
        try:
            status = render(client, task_id)
        except renderbus.WaitTimeout as e:
            print(f"task {e.task_id} is still {e.last_status}: {e}", file=sys.stderr)
            return 1
        except renderbus.ApiError as e:
            print(f"the farm refused: {e.code} {e.name} (request {e.request_id})", file=sys.stderr)
            return 1
        print(f"task {task_id}: {status.name}")
        return 0 if status is TaskStatus.FINISHED else 1


if __name__ == "__main__":
    sys.exit(main())
