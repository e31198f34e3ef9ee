"""botocore against vigil's Inspector2-compatible API, for the tests (a client nobody here wrote).

Usage: botocore-client.py ENDPOINT_URL REQUEST_JSON; prints one JSON document on stdout:
  {"ok": true, "result": ...} or {"ok": false, "code": ..., "message": ..., "status": ...}.
Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), the model from
AWS_DATA_PATH. Modes of REQUEST_JSON:
  paginate  {"operation", "params", "pageSize", "resultKey"}: botocore's own paginator to the end
  call      {"operation", "params"}: one call
  tamper    {"operation", "params", "replace": [old, new]}: the body is changed after signing
  raw       {"method", "path", "body", "bodyBytes"}: a SigV4-signed request botocore's signer makes
            by hand (bodyBytes: a JSON body of that many bytes, too big for a command line)
"""
import json
import sys
import http.client
import urllib.parse

import botocore
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest


def client_error(e):
    err = e.response.get("Error", {})
    meta = e.response.get("ResponseMetadata", {})
    return {"ok": False, "code": err.get("Code"), "message": err.get("Message"), "status": meta.get("HTTPStatusCode")}


def paginate(client, req):
    paginator = client.get_paginator(botocore.xform_name(req["operation"]))
    items, pages = [], 0
    config = {"PageSize": req["pageSize"]}
    for page in paginator.paginate(**req.get("params", {}), PaginationConfig=config):
        pages += 1
        items.extend(page.get(req["resultKey"], []))
    return {"items": items, "pages": pages}


def call(client, req):
    if "replace" in req:
        old, new = (s.encode() for s in req["replace"])
        assert len(old) == len(new), "a tampered body keeps its length (Content-Length is not signed)"

        def tamper(request, **_):
            assert old in request.body, "nothing to tamper with"
            request.body = request.body.replace(old, new, 1)

        client.meta.events.register("before-send.inspector2." + req["operation"], tamper)
    out = getattr(client, botocore.xform_name(req["operation"]))(**req.get("params", {}))
    out.pop("ResponseMetadata", None)
    return out


def raw(session, endpoint, req):
    body = req.get("body")
    if "bodyBytes" in req:
        body = '{"name": "' + "x" * (req["bodyBytes"] - 12) + '"}'
    data = body.encode() if isinstance(body, str) else None
    request = AWSRequest(method=req["method"], url=endpoint + req["path"], data=data,
                         headers={"Content-Type": "application/json"} if data is not None else {})
    SigV4Auth(session.get_credentials(), "inspector2", "any").add_auth(request)
    prepared = request.prepare()
    url = urllib.parse.urlsplit(prepared.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        conn.request(prepared.method, url.path + (f"?{url.query}" if url.query else ""),
                     body=prepared.body, headers=dict(prepared.headers))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered before the body was sent (a body over its limit): read that answer
    res = conn.getresponse()
    return {"status": res.status, "errorType": res.getheader("x-amzn-ErrorType"), "body": res.read().decode()}


def main():
    endpoint, req = sys.argv[1], json.loads(sys.argv[2])
    session = botocore.session.get_session()
    client = session.create_client("inspector2", region_name="any", endpoint_url=endpoint)
    try:
        mode = req["mode"]
        if mode == "paginate":
            result = paginate(client, req)
        elif mode in ("call", "tamper"):
            result = call(client, req)
        else:
            result = raw(session, endpoint, req)
        print(json.dumps({"ok": True, "result": result}, default=str))
    except botocore.exceptions.ClientError as e:
        print(json.dumps(client_error(e)))


main()
