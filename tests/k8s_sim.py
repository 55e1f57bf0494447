"""Run a Kubernetes Indexed Job's pods as the control plane would, here.

    k8s_sim.py MANIFEST DIR OVERRIDES...

Reads the Job MANIFEST, checks that it is an Indexed Job with completions
equal to parallelism, and runs its one container's command and args once per
index, side by side, with the container's env plus JOB_COMPLETION_INDEX and
the host name JOB-INDEX as the Job controller sets them, $(VAR) expanded
from that env as Kubernetes does. Each volume mount's path is replaced by
DIR. OVERRIDES are NAME=VALUE env values to replace (a target URL on this
machine). Prints one line per pod, "INDEX EXIT", and exits 1 if the
manifest is not such a Job.
"""
import os
import re
import subprocess
import sys

import yaml


def expand(s, env):
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: env.get(m.group(1), m.group(0)), s)


def main():
    path, outdir = sys.argv[1], sys.argv[2]
    over = dict(a.split("=", 1) for a in sys.argv[3:])
    with open(path) as f:
        job = yaml.safe_load(f)
    spec = job["spec"]
    if job.get("kind") != "Job" or spec.get("completionMode") != "Indexed":
        print("not an Indexed Job", file=sys.stderr)
        return 1
    n = spec["completions"]
    if spec.get("parallelism") != n:
        print("parallelism %r is not completions %r" %
              (spec.get("parallelism"), n), file=sys.stderr)
        return 1
    ctr, = spec["template"]["spec"]["containers"]
    mounts = [m["mountPath"] for m in ctr.get("volumeMounts", [])]
    name = job["metadata"]["name"]
    procs = []
    for i in range(n):
        env = {"PATH": os.environ["PATH"],
               "JOB_COMPLETION_INDEX": str(i),
               "HOSTNAME": "%s-%d" % (name, i)}
        for e in ctr.get("env", []):
            env[e["name"]] = over.get(e["name"], e["value"])
        argv = [expand(a, env) for a in ctr["command"] + ctr.get("args", [])]
        for m in mounts:
            argv = [a.replace(m + "/", outdir + "/") for a in argv]
        procs.append((i, subprocess.Popen(argv, env=env,
                                          stdout=subprocess.DEVNULL)))
    for i, p in procs:
        print(i, p.wait())
    return 0


if __name__ == "__main__":
    sys.exit(main())
