"""Parses the Prometheus text exposition on stdin with the Prometheus project's own Python client
(Debian python3-prometheus-client) and prints every family as JSON: name, type and its samples
(name, labels, value) as the reference parser reads them. Exit 3 when the client is not installed."""
import json
import math
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    sys.exit(3)

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "samples": [
            {"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)}
            for s in family.samples
        ],
    })
json.dump(families, sys.stdout)
