#!/usr/bin/env python3
"""Regenerates the field tables of docs/catalog-schema.md from the Avro schemas (the one source of truth).

Usage: python3 scripts/schema-doc.py > docs/catalog-schema.md
"""
import json, pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
RES = ROOT / "pipelines/src/main/resources/dev/audiocat/pipelines"

GROUPS = [
    ("Identity", ["schema_version", "asset_id", "audio_id"]),
    ("Source", ["uri", "file_name", "size_bytes", "modified_time", "container", "codec", "sample_rate", "bit_depth",
                "channels", "bit_rate", "duration_seconds", "title", "artist", "album", "genre", "isrc", "description", "tags"]),
    ("Signal", ["integrated_lufs", "loudness_range_lu", "true_peak_dbtp", "sample_peak_dbfs", "max_momentary_lufs",
                "max_short_term_lufs", "qc_flags"]),
    ("Music", None),  # filled below: everything between signal and fingerprints
    ("Fingerprints", ["chromaprint", "reference_matches", "duplicate_group", "unlicensed_match"]),
    ("Rights", None),
    ("Provenance", ["pipeline_version", "model_versions", "analysis_time", "analysis_millis", "run_id"]),
]


def type_name(t):
    if isinstance(t, list):
        inner = [type_name(x) for x in t if x != "null"]
        return " | ".join(inner) + (" (nullable)" if "null" in t else "")
    if isinstance(t, dict):
        if t.get("logicalType") == "timestamp-millis":
            return "timestamp (ms since epoch)"
        if t["type"] == "array":
            return "list of " + type_name(t["items"])
        if t["type"] == "map":
            return "map string → " + type_name(t["values"])
        if t["type"] == "record":
            return t["name"]
        return type_name(t["type"])
    return t


def records(t, out):
    if isinstance(t, list):
        for x in t:
            records(x, out)
    elif isinstance(t, dict):
        if t.get("type") == "record":
            out[t["name"]] = t
            for f in t["fields"]:
                records(f["type"], out)
        elif t.get("type") == "array":
            records(t["items"], out)


def table(fields):
    lines = ["| field | type | meaning |", "|---|---|---|"]
    for f in fields:
        lines.append(f"| `{f['name']}` | {type_name(f['type'])} | {f.get('doc', '')} |")
    return "\n".join(lines)


cat = json.loads((RES / "catalog-v1.avsc").read_text())
dl = json.loads((RES / "dead-letter-v1.avsc").read_text())
verified = json.loads((RES / "verified-v1.avsc").read_text())
by_name = {f["name"]: f for f in cat["fields"]}
order = [f["name"] for f in cat["fields"]]
named = set()
for _, names in GROUPS:
    if names:
        named.update(names)
music_start = order.index("qc_flags") + 1
music = [n for n in order[music_start:order.index("chromaprint")] if n not in named]
rights = [n for n in order if n not in named and n not in music]

print((ROOT / "docs/catalog-schema.intro.md").read_text().rstrip() + "\n")
for title, names in GROUPS:
    names = music if title == "Music" else rights if title == "Rights" else names
    print(f"### {title}\n")
    print(table([by_name[n] for n in names if n in by_name]) + "\n")
recs = {}
records(cat["fields"] and [f["type"] for f in cat["fields"]], recs)
print("### Nested records\n")
for name, r in recs.items():
    if name == cat["name"]:
        continue
    print(f"`{name}`\n")
    print(table(r["fields"]) + "\n")
print("## Dead letters (`dead-letters/`, schema `dead-letter-v1.avsc`)\n")
print(table(dl["fields"]) + "\n")
print("## Verified files (`verified/`, schema `verified-v1.avsc`)\n")
print("One record per catalogued file that a re-run read (its size or modification time had changed, or `--verify`) and")
print("found unchanged: a fixity log, and the size and time the next run's quick check compares with.\n")
print(table(verified["fields"]) + "\n")
outro = ROOT / "docs/catalog-schema.outro.md"
if outro.exists():
    print(outro.read_text().rstrip() + "\n")
