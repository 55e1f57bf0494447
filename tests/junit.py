"""Check a --junit file against the JSON report of the same run.

Usage: junit.py REPORT.json JUNIT.xml. Prints nothing and exits 0 when the
XML says what the report's verdict says: one <testsuite> per run, in
order; one <testcase> per check of that run (--expect-status for HTTP,
--max-errors, every request run, each --threshold, --allow-crashes, not
interrupted); a <failure> in exactly the checks the report's books fail;
every reason of the verdict in a failure of its run; and counts in the
attributes that match the elements. Else prints what differs, exits 1.
"""
import json
import math
import re
import sys
import xml.etree.ElementTree as ET


def allowed(conf, run):
    """Failed requests --max-errors lets a run have."""
    m = str(conf["max_errors"])
    if m.endswith("%"):
        return math.floor(float(m[:-1]) / 100 * run["requests"]["issued"]
                          + 1e-9)
    return int(m)


def want_checks(rep, i):
    """The checks of run i, as (name, failed), in verdict.c's order."""
    conf, run = rep["config"], rep["runs"][i]
    req = run["requests"]
    reqfail = req["failed"] > allowed(conf, run)
    checks = []
    if conf["engine"] in ("native", "curl"):
        status = any(k.startswith("STATUS_") for k in run["errors"])
        checks.append(("--expect-status " + conf["expect_status"],
                       reqfail and status))
    checks.append(("--max-errors " + str(conf["max_errors"]), reqfail))
    checks.append(("every request run", req["not_run"] > 0))
    for t in rep["thresholds"]:
        if t["concurrency"] == run["concurrency"]:
            checks.append(("--threshold " + t["expression"], not t["ok"]))
    crashes = sum(len(r["crashes"]) for r in rep["runs"])
    checks.append(("--allow-crashes %d" % conf["allow_crashes"],
                   crashes > conf["allow_crashes"] and
                   len(run["crashes"]) > 0))
    checks.append(("not interrupted",
                   rep["interrupted"] and i == len(rep["runs"]) - 1))
    return checks


def main():
    rep = json.load(open(sys.argv[1]))
    root = ET.parse(sys.argv[2]).getroot()
    errs = []
    suites = root.findall("testsuite")
    if root.tag != "testsuites":
        errs.append("root is <%s>" % root.tag)
    if len(suites) != len(rep["runs"]):
        errs.append("%d suites for %d runs" % (len(suites), len(rep["runs"])))
    total = failures = 0
    lines = {}
    for i, (suite, run) in enumerate(zip(suites, rep["runs"])):
        c = run["concurrency"]
        if suite.get("name") != "forkload c=%d" % c:
            errs.append("suite %d is named %s" % (i, suite.get("name")))
        cases = suite.findall("testcase")
        got = [(tc.get("name"), tc.find("failure") is not None)
               for tc in cases]
        want = want_checks(rep, i)
        if got != want:
            errs.append("c=%d: cases %s, want %s" % (c, got, want))
        nfail = sum(1 for _, f in got if f)
        if suite.get("tests") != str(len(cases)) or \
                suite.get("failures") != str(nfail):
            errs.append("c=%d: tests=%s failures=%s, but %d cases, %d "
                        "failed" % (c, suite.get("tests"),
                                    suite.get("failures"), len(cases), nfail))
        total += len(cases)
        failures += nfail
        # The lines of its failures, where the verdict's reasons must be.
        lines[c] = set()
        for f in suite.iter("failure"):
            if f.get("message") != f.text:
                errs.append("c=%d: message and text differ" % c)
            lines[c].update(f.get("message").split("\n"))
    for r in rep["verdict"]["reasons"]:
        # "c=N: " names the run in a sweep; a reason without it (the
        # crashes over all runs, an interrupt) is in some run's failure.
        m = re.match(r"c=(\d+): (.*)", r)
        if len(rep["runs"]) > 1 and m:
            where = [lines.get(int(m.group(1)), set())]
            r = m.group(2)
        else:
            where = list(lines.values())
        if not any(r in w for w in where):
            errs.append("reason %r in no failure" % r)
    if root.get("tests") != str(total) or \
            root.get("failures") != str(failures):
        errs.append("testsuites: tests=%s failures=%s, want %d and %d" %
                    (root.get("tests"), root.get("failures"), total,
                     failures))
    if (failures == 0) != (rep["verdict"]["passed"] or
                           rep["verdict"]["exit_code"] == 4):
        errs.append("%d failures, but passed is %s" %
                    (failures, rep["verdict"]["passed"]))
    for e in errs:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
