"""The README's first script: a task through the embedded mock farm, from creation to its frames."""

import renderbus
from renderbus import TaskStatus


def main() -> None:
    with renderbus.MockFarm(speed=600, frames=4, fail_frames=[3]) as farm:
        client = farm.client()  # or renderbus.Client() with RENDERBUS_ACCESS_ID / _KEY set
        task_id = client.create_task()["taskIdList"][0]
        client.submit_task(task_id)
        task = client.wait_for_task(task_id, interval=0.5)
        print(task_id, TaskStatus(task["taskStatus"]).name)
        for frame in client.iter_query_task_frames(task_id):
            print(" frame", frame["frameIndex"], frame["frameStatus"])


if __name__ == "__main__":
    main()
