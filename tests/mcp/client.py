"""`renderbus mcp` driven by a real MCP client: the `mcp` package from PyPI.

Run by tests/mcp/run.sh, which makes the virtualenv. Starts `renderbus --mock mcp` (API 2, the
embedded farm) over stdio, once without and once with --allow-writes, and checks what an agent
relies on:

- the tools: one per endpoint of API 2, named by the wire names of the OpenAPI document
  (openapi/renderbus-v2.json, generated from the same spec), no writes without --allow-writes,
  every input schema a valid JSON Schema (Draft 2020-12, checked by `jsonschema`), reads
  read-only and aborts and deletes destructive;
- a read and a write, and their effect read back through another tool;
- bad arguments: a tool error naming the argument, and the server still serving;
- frames by number, waitForTask with progress notifications, and secrets never in a result.

Prints `mcp: N passed, M failed` and exits non-zero on a failure.
"""

import asyncio
import json
import os
import shutil
import sys
import tempfile

import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

RENDERBUS = os.environ["RENDERBUS_BIN"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

passed = 0
failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}: {detail}")


def openapi_operations():
    """Every operation of API 2's OpenAPI document: {wire name: is a read}."""
    with open(os.path.join(ROOT, "openapi", "renderbus-v2.json"), encoding="utf-8") as f:
        doc = json.load(f)
    return {
        op["operationId"]: op["x-idempotent"]
        for path in doc["paths"].values()
        for op in path.values()
    }


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def session(args, body):
    params = StdioServerParameters(
        command=RENDERBUS,
        args=["--mock", "--api-version", "2", "mcp", *args],
        env={**os.environ, "RUST_LOG": "warn"},
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            await body(s)


async def read_only(s):
    operations = openapi_operations()
    tools = (await s.list_tools()).tools
    names = {t.name for t in tools}
    reads = {n for n, read in operations.items() if read}
    check(
        "without --allow-writes: every read of API 2 and waitForTask, no write",
        names == reads | {"waitForTask"},
        f"extra {sorted(names - reads - {'waitForTask'})}, missing {sorted(reads - names)}",
    )
    check(
        "every listed tool says it is read-only",
        all(t.annotations and t.annotations.read_only_hint for t in tools),
        [t.name for t in tools if not (t.annotations and t.annotations.read_only_hint)],
    )
    try:
        await s.call_tool("stopTask", {"taskIds": [1]})
        check("a write is refused without --allow-writes", False, "it was called")
    except Exception as e:  # the protocol error of an unknown tool
        check("a write is refused without --allow-writes", "--allow-writes" in str(e), str(e))
    result = await s.call_tool("queryPlatforms", {"zone": 1})
    platforms = (result.structured_content or {}).get("data")
    check(
        "a read answers its typed reply under `data`",
        not result.is_error and isinstance(platforms, list) and platforms and "platform" in platforms[0],
        text_of(result),
    )


async def with_writes(s):
    operations = openapi_operations()
    tools = {t.name: t for t in (await s.list_tools()).tools}
    endpoint_tools = {n: t for n, t in tools.items() if n not in ("waitForTask", "submitJob")}
    check("the conveniences are listed with writes", {"waitForTask", "submitJob"} <= set(tools), sorted(tools))
    check(
        "with --allow-writes: one tool per endpoint of API 2 (49), by wire name",
        set(endpoint_tools) == set(operations) and len(endpoint_tools) == 49,
        f"{len(endpoint_tools)} tools; differ by {sorted(set(endpoint_tools) ^ set(operations))}",
    )
    bad_schemas = []
    for name, tool in tools.items():
        try:
            jsonschema.Draft202012Validator.check_schema(tool.input_schema)
            if tool.input_schema.get("type") != "object":
                bad_schemas.append(f"{name}: not an object schema")
        except jsonschema.SchemaError as e:
            bad_schemas.append(f"{name}: {e.message}")
    check("every input schema is valid JSON Schema (2020-12)", not bad_schemas, bad_schemas)
    wrong = [
        n
        for n, t in endpoint_tools.items()
        if t.annotations.read_only_hint != operations[n] or t.annotations.idempotent_hint != operations[n]
    ]
    check("reads read-only and idempotent, writes neither", not wrong, wrong)
    destructive = sorted(n for n, t in endpoint_tools.items() if t.annotations.destructive_hint)
    check(
        "aborts and deletes are destructive",
        destructive == sorted(["abortTask", "deleteTask", "deleteLabel", "deleteRenderEnv", "deleteTaskLabel"]),
        destructive,
    )
    enum_schema = tools["restartFrame"].input_schema["properties"]["selectAll"]
    check(
        "an enum argument lists its codes with their names",
        {(v["const"], v["title"]) for v in enum_schema["oneOf"]} == {(0, "Listed"), (1, "All")},
        enum_schema,
    )

    # A write, and its effect read back through another tool.
    added = await s.call_tool("addLabel", {"newName": "mcp-made", "status": 1})
    check("a write succeeds", not added.is_error, text_of(added))
    labels = await s.call_tool("getLabelList", {})
    names = [l["projectName"] for l in labels.structured_content["data"]["projectNameList"]]
    check("the write's effect is read back", "mcp-made" in names, names)

    # Bad arguments: tool errors naming the argument; the server goes on serving.
    bad = await s.call_tool("getTaskList", {"pageNum": "first"})
    check("a wrong type is a tool error naming the argument", bad.is_error and "pageNum" in text_of(bad), text_of(bad))
    bad = await s.call_tool("getTaskList", {"pageNumber": 1})
    check("an unknown argument is a tool error naming it", bad.is_error and "pageNumber" in text_of(bad), text_of(bad))
    bad = await s.call_tool("restartFrame", {"taskId": 1, "frames": "10-1[0]"})
    check("an impossible frame list is a tool error naming `frames`", bad.is_error and "frames" in text_of(bad) and "10-1[0]" in text_of(bad), text_of(bad))
    again = await s.call_tool("getTaskList", {})
    check("the server still serves after bad calls", not again.is_error, text_of(again))

    # A whole render: create, submit, wait with progress, restart frames by number.
    created = await s.call_tool("createTask", {"count": 1})
    task = created.structured_content["data"]["taskIdList"][0]
    submitted = await s.call_tool("submitTask", {"taskId": task})
    check("createTask and submitTask", not created.is_error and not submitted.is_error, text_of(submitted))
    progress = []

    async def on_progress(done, total, message):
        progress.append((done, total, message))

    waited = await s.call_tool("waitForTask", {"taskId": task, "intervalSeconds": 0.5, "timeoutSeconds": 120}, progress_callback=on_progress)
    outcome = (waited.structured_content or {}).get("outcome")
    check("waitForTask answers how the task ended", not waited.is_error and outcome in ("finished", "finishedWithFailures"), text_of(waited))
    check("waitForTask sends progress notifications", len(progress) >= 2 and progress[-1][1] == 8, progress[-3:])
    def flagged(frames):
        return sorted(int(f["frameIndex"]) for f in frames.structured_content["data"]["items"] if f.get("recommitFlag"))

    before = await s.call_tool("queryTaskFrames", {"taskId": task, "pageSize": 100})
    check("no frame was restarted before", flagged(before) == [], flagged(before))
    restarted = await s.call_tool("restartFrame", {"taskId": task, "frames": "2-4[1],7"})
    check("restartFrame takes frame numbers", not restarted.is_error, text_of(restarted))
    frames = await s.call_tool("queryTaskFrames", {"taskId": task, "pageSize": 100})
    check("exactly frames 2, 3, 4 and 7 were restarted", flagged(frames) == [2, 3, 4, 7], flagged(frames))
    unknown = await s.call_tool("restartFrame", {"taskId": task, "frames": "2,99"})
    check("an unknown frame number is a tool error naming it", unknown.is_error and "99" in text_of(unknown), text_of(unknown))

    # A job file: submitted through the tool, refused where it is wrong.
    scratch = tempfile.mkdtemp()
    try:
        job = os.path.join(scratch, "render-env.toml")
        shutil.copy(os.path.join(ROOT, "examples", "jobs", "render-env.toml"), job)
        submitted = await s.call_tool("submitJob", {"path": job})
        job_task = (submitted.structured_content or {}).get("taskId")
        check("submitJob submits a job file", not submitted.is_error and isinstance(job_task, int), text_of(submitted))
        again = await s.call_tool("submitJob", {"path": job})
        check("submitJob refuses to submit a started job twice", again.is_error and "--resume" in text_of(again), text_of(again))
        with open(job, encoding="utf-8") as f:
            text = f.read().replace('frames = "1-10[2],15"', 'frames = "10-1[0]"')
        bad = os.path.join(scratch, "bad.toml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text)
        refused = await s.call_tool("submitJob", {"path": bad})
        check("a bad job file is a tool error naming the key and its line", refused.is_error and "bad.toml:7: frames" in text_of(refused), text_of(refused))
    finally:
        shutil.rmtree(scratch)

    # Secrets: never in a result.
    key = await s.call_tool("getRaySyncUserKey", {})
    config = await s.call_tool("getConfig", {})
    secret_free = key.structured_content["data"]["raySyncUserKey"] == "[redacted]" and '"password": "[redacted]"' in text_of(config)
    check("transfer keys and passwords are replaced in results", secret_free, text_of(key))


async def main():
    await session([], read_only)
    await session(["--allow-writes"], with_writes)
    print(f"mcp: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


asyncio.run(main())
