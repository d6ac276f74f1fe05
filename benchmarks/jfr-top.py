#!/usr/bin/env python3
"""Where the time goes in a JFR recording: self frames, inclusive categories, threads, locks, allocation."""
import json, subprocess, sys, collections
f = sys.argv[1]
def events(name, depth=64):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", str(depth), "--events", name, f],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]
def frames(e):
    st = e["values"].get("stackTrace") or {}
    return [fr["method"]["type"]["name"].replace("/", ".") + "." + fr["method"]["name"] for fr in (st.get("frames") or [])]
CATS = [("H2", ("org.h2.",)), ("BouncyCastle", ("org.bouncycastle.",)), ("gRPC/Netty", ("io.grpc.", "io.netty.")),
        ("TLS", ("sun.security.ssl.", "javax.net.ssl")), ("Jetty/Javalin", ("org.eclipse.jetty", "io.javalin")),
        ("Jackson/XML", ("com.fasterxml", "com.ctc.wstx", "javax.xml", "com.sun.org.apache.xerces")),
        ("protobuf", ("com.google.protobuf",)), ("Logback", ("ch.qos.logback",)), ("HikariCP", ("com.zaxxer",)),
        ("SecureRandom", ("sun.security.provider.SecureRandom", "java.security.SecureRandom")),
        ("OpenTelemetry", ("io.opentelemetry",)), ("Micrometer", ("io.micrometer",)),
        ("openpostage", ("org.openpostage.",))]
ex = events("jdk.ExecutionSample")
n = len(ex)
selfc = collections.Counter(); cat = collections.Counter(); thr = collections.Counter(); selfcat = collections.Counter()
for e in ex:
    fr = frames(e)
    if fr:
        selfc[fr[0]] += 1
    t = e["values"].get("sampledThread") or {}
    thr[(t.get("javaName") or t.get("osName") or "?").rstrip("0123456789-")] += 1
    seen = set()
    for name, pre in CATS:
        if any(x.startswith(pre) for x in fr):
            seen.add(name)
    for s in seen:
        cat[s] += 1
    for name, pre in CATS:
        if fr and fr[0].startswith(pre):
            selfcat[name] += 1; break
    else:
        selfcat["other (JDK, GC-free)"] += 1
print(f"execution samples: {n}")
print("\ninclusive (a sample counts for every category on its stack):")
for k, v in cat.most_common(): print(f"  {k:14s} {100*v/n:5.1f} %")
print("\nself (top frame's category):")
for k, v in selfcat.most_common(): print(f"  {k:22s} {100*v/n:5.1f} %")
print("\ntop self frames:")
for k, v in selfc.most_common(25): print(f"  {100*v/n:5.1f} %  {k}")
print("\nthreads:")
for k, v in thr.most_common(12): print(f"  {100*v/n:5.1f} %  {k}")
for ev in ("jdk.JavaMonitorEnter", "jdk.ThreadPark"):
    es = events(ev, 8)
    tot = collections.Counter()
    for e in es:
        d = e["values"]["duration"]
        # ISO 8601 duration like PT0.012S
        secs = float(d[2:-1]) if d.startswith("PT") and d.endswith("S") and "M" not in d else 0.0
        fr = [x for x in frames(e) if not x.startswith(("java.", "jdk.", "sun."))]
        tot[fr[0] if fr else "?"] += secs
    print(f"\n{ev}: {len(es)} events; longest total blocked time by first non-JDK frame:")
    for k, v in tot.most_common(8): print(f"  {v:8.2f} s  {k}")
al = events("jdk.ObjectAllocationSample", 12)
w = collections.Counter(); wt = collections.Counter(); total = 0
for e in al:
    sz = e["values"]["weight"]; total += sz
    w[e["values"]["objectClass"]["name"]] += sz
    fr = [x for x in frames(e) if x.startswith(("org.", "io.", "com.", "ch."))]
    wt[fr[0] if fr else "?"] += sz
print(f"\nallocation (sampled weight {total/1e6:.0f} MB):")
for k, v in w.most_common(10): print(f"  {100*v/total:5.1f} %  {k}")
print(" by first library/application frame:")
for k, v in wt.most_common(12): print(f"  {100*v/total:5.1f} %  {k}")
print("\nH2 samples by the first org.openpostage frame under them (which statement's work):")
byop = collections.Counter(); h2n = 0
for e in ex:
    fr = frames(e)
    if any(x.startswith("org.h2.") for x in fr):
        h2n += 1
        op = [x for x in fr if x.startswith("org.openpostage.") and "Lambda" not in x and not x.startswith("org.openpostage.server.internal.db.Sql.")]
        byop[op[0] if op else "(H2's own threads)"] += 1
for k, v in byop.most_common(15): print(f"  {100*v/n:5.1f} % of all  {k}")
