"""Decode rpm header blobs with rpm's own library (python3-rpm), as an oracle for vigil's readers.

Usage: rpm-header-oracle.py QUERYFORMAT BLOBFILE... ; prints one formatted line per blob. rpm.hdr()
validates the blob (region trailer, counts, offsets) and raises on a damaged or misread one.
"""
import sys

import rpm

fmt = sys.argv[1]
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        sys.stdout.write(rpm.hdr(f.read()).format(fmt))
