"""rayvision_sync 3.1.8 as the oracle of `renderbus transfer`.

    python oracle.py --renderbus target/debug/renderbus

For each case of the matrix (uploads of several files and a folder, of an analyser's
upload.json with Windows paths, with a named line and a speed, by a sub-account sharing its main
account's storage, with a task's configuration upload, and a download), a fake transfer program
(fake_transmitter.py) records its argv, standard input and the files it was handed, once run
by rayvision_sync (RayvisionUpload / RayvisionDownload of the official packages, against
`renderbus mock serve`) and once by `renderbus transfer`, for the same request on the same
farm. The records must be equal, but for the location of the resume database (and of an
upload list renderbus writes itself, whose text must be equal). Prints one line per case and
`transfer-oracle: N passed, M failed`; exits non-zero when any case differs.
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_transmitter.py")
sys.path.insert(0, os.path.join(HERE, "..", "official"))
import drive  # noqa: E402  (the official clients' driver: its farm starter)


def start_farm(renderbus, *extra):
    """A fast farm of three frames a task (tests/official/drive.py starts it)."""
    return drive.start_farm(renderbus, "--speed", "600", "--frames", "3", *extra)


def official_api(env):
    from rayvision_api import RayvisionAPI
    host = env["RENDERBUS_HOST"].split("://", 1)[1]
    return RayvisionAPI(access_id=env["RENDERBUS_ACCESS_ID"], access_key=env["RENDERBUS_ACCESS_KEY"],
                        domain=host, platform="2", protocol="http")


def recorded(run):
    """The fake program's records of what `run` made it do."""
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    os.environ["FAKE_TRANSMITTER_RECORD"] = path
    try:
        run()
    finally:
        del os.environ["FAKE_TRANSMITTER_RECORD"]
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    os.unlink(path)
    return records


def proxy_recorded(record_file, run):
    """The requests the fake Raysync proxy got while `run` ran."""
    open(record_file, "w").close()
    run()
    with open(record_file, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def proxy_differences(ours, theirs):
    def norm(entry):
        body = dict(entry["body"])
        if "file-list" in body:
            body["file-list"] = "<file list>"
        return entry["path"], body, entry.get("file-list")
    a_all, b_all = [norm(e) for e in ours], [norm(e) for e in theirs]
    if [a[0] for a in a_all] != [b[0] for b in b_all]:
        return ["requests: renderbus %r, rayvision_sync %r" % ([a[0] for a in a_all], [b[0] for b in b_all])]
    found = []
    for (path, a, fa), (_, b, fb) in zip(a_all, b_all):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                found.append("%s: %s: renderbus %r, rayvision_sync %r" % (path, key, a.get(key), b.get(key)))
        if fa != fb:
            found.append("%s: the file list: renderbus %r, rayvision_sync %r" % (path, fa, fb))
    return found


def install_fake_proxy(python, work):
    """A fake Raysync proxy where rayvision_sync keeps the real one
    (rayvision_raysync/RaysyncCmd of the installed package), started and stopped by its
    start.sh and stop.sh as rayvision_sync and renderbus start it. Answers the record file."""
    import socket
    import rayvision_sync.rayvision_raysync as raysync_package
    folder = os.path.join(os.path.dirname(raysync_package.__file__), "RaysyncCmd")
    os.makedirs(folder, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    record = os.path.join(work, "proxy.jsonl")
    pid = os.path.join(folder, "proxy.pid")
    with open(os.path.join(folder, "Raysync-sdk"), "w") as f:
        f.write("present, so that rayvision_sync does not download the proxy\n")
    with open(os.path.join(folder, "cluster.xml"), "w") as f:
        f.write('<?xml version="1.0"?><cluster><node><port value="%d"/></node></cluster>\n' % port)
    with open(os.path.join(folder, "start.sh"), "w") as f:
        f.write('nohup "%s" "%s" --port %d --record "%s" > /dev/null 2>&1 &\necho $! > "%s"\n'
                % (python, os.path.join(HERE, "fake_proxy.py"), port, record, pid))
    with open(os.path.join(folder, "stop.sh"), "w") as f:
        f.write('[ -f "{0}" ] || exit 0\np=$(cat "{0}")\nkill "$p" 2>/dev/null\n'
                'while kill -0 "$p" 2>/dev/null; do sleep 0.05; done\nrm -f "{0}"\n'.format(pid))
    return folder, record


def normalized(record):
    """A record with what may differ replaced: the database's location (-C and its db_path),
    and the path of an upload list (-L of upload_json), whose text stays compared."""
    argv = list(record["argv"])
    files = dict(record["files"])
    flags = dict(zip(argv[0::2], argv[1::2]))
    for i in range(0, len(argv) - 1, 2):
        if argv[i] == "-C" and argv[i + 1] != "None":
            argv[i + 1] = "<database settings>"
        if argv[i] == "-L" and flags.get("-T") == "upload_json":
            argv[i + 1] = "<upload list>"
    if "-C" in files:
        files["-C"] = "\n".join(
            "db_path = <database>" if line.startswith("db_path = ") else line
            for line in files["-C"].split("\n"))
    return {"argv": argv, "stdin": record["stdin"], "files": files}


def differences(ours, theirs):
    if len(ours) != len(theirs):
        return ["renderbus ran the program %d time(s), rayvision_sync %d" % (len(ours), len(theirs))]
    found = []
    for n, (a, b) in enumerate(zip(ours, theirs), 1):
        a, b = normalized(a), normalized(b)
        fa = dict(zip(a["argv"][0::2], a["argv"][1::2]))
        fb = dict(zip(b["argv"][0::2], b["argv"][1::2]))
        if a["argv"] != b["argv"]:
            names = [k for k in list(fb) + [k for k in fa if k not in fb] if fa.get(k) != fb.get(k)]
            for name in names:
                found.append("run %d: argument %s: renderbus %r, rayvision_sync %r" % (n, name, fa.get(name), fb.get(name)))
            if not names:
                found.append("run %d: arguments in another order: renderbus %r, rayvision_sync %r" % (n, a["argv"], b["argv"]))
        if a["stdin"] != b["stdin"]:
            found.append("run %d: standard input: renderbus %r, rayvision_sync %r" % (n, a["stdin"], b["stdin"]))
        for flag in sorted(set(a["files"]) | set(b["files"])):
            if a["files"].get(flag) != b["files"].get(flag):
                found.append("run %d: the file of %s: renderbus %r, rayvision_sync %r" % (
                    n, flag, a["files"].get(flag), b["files"].get(flag)))
    return found


def convert_path(path):
    """rayvision_utils' convert_path, the analysers' rule for server paths (a fact of theirs)."""
    path = path.replace("\\", "/")
    return "/" + path.replace(":", "") if path[1] == ":" else path[1:]


def write_upload_json(path, locals_):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = {"asset": [{"local": p.replace("\\", "/"), "server": convert_path(p)} for p in locals_]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=True, indent=2)


def renderbus_run(renderbus, env, *args):
    full = [renderbus, "-q", "-o", "json", *args, "--transmitter", FAKE]
    run_env = dict(os.environ, **env)
    run_env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + run_env.get("PATH", "")
    done = subprocess.run(full, env=run_env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(full), done.returncode, done.stderr.strip()))


def finished_task(api):
    """A task with finished frames (so it has output to download)."""
    task = api.task.create_task(count=1)["taskIdList"][0]
    api.transmit.upload_json_content(task, '{"software_config": {"cg_name": "3ds Max"}}')
    api.submit(task)
    deadline = time.time() + 60
    while time.time() < deadline:
        info = api.query.task_info([task])["items"][0]
        if info["taskStatus"] in (25, 30):
            return task
        time.sleep(0.2)
    raise TimeoutError("task %s did not finish" % task)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--renderbus", required=True)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    from rayvision_sync.upload import RayvisionUpload
    from rayvision_sync.download import RayvisionDownload

    work = tempfile.mkdtemp(prefix="transfer-oracle-")
    # Both sides keep their resume databases and logs under ~/renderfarm_sdk: one home for both.
    os.environ["HOME"] = os.path.join(work, "home")
    os.makedirs(os.environ["HOME"])
    job = os.path.join(work, "shot010")
    os.makedirs(os.path.join(job, "tex"))
    for name in ("scene.mb", "tex/a.png", "tex/b.png", "cache.abc"):
        with open(os.path.join(job, name), "w") as f:
            f.write(name)
    posix = [os.path.join(job, "scene.mb"), os.path.join(job, "cache.abc"),
             os.path.join(job, "tex", "a.png"), os.path.join(job, "tex", "b.png")]
    posix_list = os.path.join(work, "analysed", "upload.json")
    write_upload_json(posix_list, posix)
    windows_list = os.path.join(work, "win_job", "upload.json")
    write_upload_json(windows_list, [r"D:\shot010\scene.mb", "D:/shot010/tex/a.png",
                                     r"\\nas\share\tex\b.png"])
    paths = [os.path.join(job, "scene.mb"), os.path.join(job, "cache.abc"), os.path.join(job, "tex")]

    cases = [
        ("files and a folder, default line", [],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE).upload_asset(posix_list),
         lambda task: ["transfer", "upload", *paths]),
        ("an analyser's upload.json with Windows paths", [],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE).upload_asset(windows_list),
         lambda task: ["transfer", "upload", "--upload-json", windows_list]),
        ("a named line and a speed", [],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE, internet_provider="Aspera_backup")
         .upload_asset(windows_list, max_speed="2000"),
         lambda task: ["transfer", "upload", "--upload-json", windows_list, "--line", "Aspera_backup",
                       "--speed", "2000"]),
        ("a sub-account uploading into its main account's storage", ["--sub-account"],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE).upload_asset(posix_list),
         lambda task: ["transfer", "upload", *paths]),
        ("a task's configuration, then its assets", [],
         lambda api, task: RayvisionUpload(api, transmitter_exe=FAKE).upload(
             task, os.path.join(work, "none", "task.json"), os.path.join(work, "none", "tips.json"),
             os.path.join(work, "none", "asset.json"), windows_list),
         lambda task: ["transfer", "upload", "--upload-json", windows_list, "--task", str(task)]),
        ("a task's outputs downloaded", [],
         lambda api, task: RayvisionDownload(api, transmitter_exe=FAKE).download(
             task_id_list=[task], local_path=os.path.join(work, "frames")),
         lambda task: ["transfer", "download", str(task), "--to", os.path.join(work, "frames")]),
        ("a task's outputs downloaded with a named line and a speed", [],
         lambda api, task: RayvisionDownload(api, transmitter_exe=FAKE, internet_provider="Aspera_backup")
         .download(task_id_list=[task], local_path=os.path.join(work, "frames"), max_speed="500"),
         lambda task: ["transfer", "download", str(task), "--to", os.path.join(work, "frames"),
                       "--line", "Aspera_backup", "--speed", "500"]),
    ]
    proxy_dir, proxy_record = install_fake_proxy(sys.executable, work)
    main_line = dict(engine_type="raysyncproxy", server_ip="127.0.0.1", server_port="10200")
    backup_line = dict(engine_type="raysyncproxy", server_ip="127.0.0.2", server_port="10202")
    raysync = ["--engine", "raysyncproxy"]
    proxy_cases = [
        ("raysyncproxy: files and a folder", [],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE).upload_asset(posix_list, **main_line),
         lambda task: ["transfer", "upload", *paths, *raysync]),
        ("raysyncproxy: an analyser's list, a named line and a speed", [],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE).upload_asset(
             windows_list, max_speed="2000", **backup_line),
         lambda task: ["transfer", "upload", "--upload-json", windows_list, "--line", "raysync_backup",
                       "--speed", "2000", *raysync]),
        ("raysyncproxy: a sub-account uploading into its main account's storage", ["--sub-account"],
         lambda api: RayvisionUpload(api, transmitter_exe=FAKE).upload_asset(posix_list, **main_line),
         lambda task: ["transfer", "upload", *paths, *raysync]),
        ("raysyncproxy: a task's configuration, then its assets", [],
         lambda api, task: RayvisionUpload(api, transmitter_exe=FAKE).upload(
             task, os.path.join(work, "none", "task.json"), os.path.join(work, "none", "tips.json"),
             os.path.join(work, "none", "asset.json"), windows_list, **main_line),
         lambda task: ["transfer", "upload", "--upload-json", windows_list, "--task", str(task), *raysync]),
        ("raysyncproxy: a task's outputs downloaded", [],
         lambda api, task: RayvisionDownload(api, transmitter_exe=FAKE).download(
             task_id_list=[task], local_path=os.path.join(work, "frames"), **main_line),
         lambda task: ["transfer", "download", str(task), "--to", os.path.join(work, "frames"), *raysync]),
    ]
    cases += [(name, farm, theirs, ours, True) for name, farm, theirs, ours in proxy_cases]
    cases = [case if len(case) == 5 else (*case, False) for case in cases]
    passed = failed = 0
    for name, farm_args, theirs, ours, proxy in cases:
        farm, env = start_farm(args.renderbus, *farm_args)
        try:
            api = official_api(env)
            wants_task = theirs.__code__.co_argcount == 2
            task = finished_task(api) if wants_task else None
            if proxy:
                their_records = proxy_recorded(
                    proxy_record, lambda: theirs(api, task) if wants_task else theirs(api))
                our_records = proxy_recorded(
                    proxy_record, lambda: renderbus_run(args.renderbus, env, *ours(task)))
                found = proxy_differences(our_records, their_records)
                if not any(r["path"] == "/create-task" for r in their_records):
                    found.append("rayvision_sync made no transfer task")
            else:
                their_records = recorded(lambda: theirs(api, task) if wants_task else theirs(api))
                our_records = recorded(lambda: renderbus_run(args.renderbus, env, *ours(task)))
                found = differences(our_records, their_records)
                if not their_records:
                    found.append("rayvision_sync did not run the program")
        except Exception as e:  # a case that cannot run is a failed case, named
            found = ["%s: %s" % (type(e).__name__, e)]
        finally:
            farm.kill()
            farm.wait()
        if found:
            failed += 1
            print("FAIL %s" % name)
            for line in found:
                print("     %s" % line)
        else:
            passed += 1
            print("ok   %s (%d %s, equal)" % (
                name, len(our_records), "request(s) to the proxy" if proxy else "run(s) of the program"))
    subprocess.run(["sh", os.path.join(proxy_dir, "stop.sh")], check=False)
    print("transfer-oracle: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
