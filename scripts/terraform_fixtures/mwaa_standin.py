"""A tiny stand-in for the Amazon MWAA API, enough for the AWS provider to create, read, update
and delete an `aws_mwaa_environment` (moto has no MWAA). Fixture tooling only: it keeps
environments in memory, answers at once (every environment is AVAILABLE) and checks nothing.

The provider reaches it through `AWS_ENDPOINT_URL_MWAA=http://127.0.0.1:PORT`. Operations (the
MWAA REST-JSON API): CreateEnvironment `PUT /environments/{Name}`, GetEnvironment `GET`,
UpdateEnvironment `PATCH`, DeleteEnvironment `DELETE`, and the tag operations on `/tags/{arn}`.
"""
from __future__ import annotations

import json
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCOUNT, REGION = "123456789012", "eu-west-1"

# What MWAA fills in when the caller leaves an argument out (AWS API reference, CreateEnvironment).
DEFAULTS: dict[str, Any] = {
    "AirflowVersion": "2.10.3",
    "EnvironmentClass": "mw1.small",
    "MaxWorkers": 10,
    "MinWorkers": 1,
    "MaxWebservers": 2,
    "MinWebservers": 2,
    "Schedulers": 2,
    "WebserverAccessMode": "PRIVATE_ONLY",
    "EndpointManagement": "SERVICE",
    "WeeklyMaintenanceWindowStart": "SUN:03:30",
    "AirflowConfigurationOptions": {},
}
LOG_TYPES = ("DagProcessingLogs", "SchedulerLogs", "TaskLogs", "WebserverLogs", "WorkerLogs")


def environment_arn(name: str) -> str:
    return f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/{name}"


class Environments:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[str, dict[str, Any]] = {}

    def describe(self, name: str, body: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
        env = dict(previous or DEFAULTS)
        env.update({k: v for k, v in body.items() if k != "Tags"})
        env["Name"] = name
        env["Arn"] = environment_arn(name)
        env["Status"] = "AVAILABLE"
        env.setdefault("CreatedAt", time.time())
        env["ServiceRoleArn"] = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/airflow.amazonaws.com/AWSServiceRoleForAmazonMWAA"
        env["WebserverUrl"] = f"{zlib.crc32(name.encode()):08x}-example.c{REGION[-1]}.{REGION}.airflow.amazonaws.com"
        source = "CreateEnvironment" if previous is None else "UpdateEnvironment"
        env["LastUpdate"] = {"CreatedAt": time.time(), "Status": "SUCCESS", "Source": source}
        logging = env.get("LoggingConfiguration") or {}
        env["LoggingConfiguration"] = {
            t: {
                "Enabled": logging.get(t, {}).get("Enabled", False),
                "LogLevel": logging.get(t, {}).get("LogLevel", "INFO"),
                "CloudWatchLogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:airflow-{name}-{t[:-4]}",
            }
            for t in LOG_TYPES
        }
        env["Tags"] = dict((previous or {}).get("Tags", {}), **body.get("Tags", {}))
        if env.get("EndpointManagement") == "CUSTOMER" or env.get("WebserverAccessMode") == "PRIVATE_ONLY":
            env["WebserverVpcEndpointService"] = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
            env["DatabaseVpcEndpointService"] = f"com.amazonaws.vpce.{REGION}.vpce-svc-0fedcba9876543210"
        return env


STORE = Environments()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (BaseHTTPRequestHandler's name)
        sys.stderr.write("mwaa-standin: " + format % args + "\n")

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def _answer(self, status: int, payload: dict[str, Any] | None = None) -> None:
        data = json.dumps(payload or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status >= 400 and payload:
            self.send_header("X-Amzn-ErrorType", payload.get("__type", "ValidationException"))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        body = self._body() if method in ("PUT", "PATCH", "POST") else {}
        with STORE.lock:
            if parts[0] == "environments" and len(parts) == 2:
                name = parts[1]
                current = STORE.items.get(name)
                if method == "PUT":
                    if current is not None:
                        return self._answer(400, {"__type": "ValidationException", "message": f"environment {name} exists"})
                    STORE.items[name] = STORE.describe(name, body)
                    return self._answer(200, {"Arn": environment_arn(name)})
                if current is None:
                    return self._answer(404, {"__type": "ResourceNotFoundException", "message": f"Environment {name} not found"})
                if method == "GET":
                    return self._answer(200, {"Environment": current})
                if method == "PATCH":
                    STORE.items[name] = STORE.describe(name, body, current)
                    return self._answer(200, {"Arn": environment_arn(name)})
                if method == "DELETE":
                    del STORE.items[name]
                    return self._answer(200, {})
            if parts[0] == "environments" and len(parts) == 1 and method == "GET":
                return self._answer(200, {"Environments": sorted(STORE.items)})
            if parts[0] == "tags" and len(parts) >= 2:
                name = "/".join(parts[1:]).rsplit("/", 1)[-1]
                env = STORE.items.get(name)
                if env is None:
                    return self._answer(404, {"__type": "ResourceNotFoundException", "message": f"Environment {name} not found"})
                if method == "GET":
                    return self._answer(200, {"Tags": env["Tags"]})
                if method == "POST":
                    env["Tags"].update(body.get("Tags", {}))
                    return self._answer(200, {})
                if method == "DELETE":
                    for key in urllib.parse.parse_qs(url.query).get("tagKeys", []):
                        env["Tags"].pop(key, None)
                    return self._answer(200, {})
        self._answer(400, {"__type": "ValidationException", "message": f"mwaa-standin: unsupported {method} {url.path}"})

    def do_GET(self) -> None:
        self._route("GET")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


def start() -> tuple[ThreadingHTTPServer, str]:
    """Serve on a free local port in a daemon thread, with no environments; returns the server
    and its base URL."""
    with STORE.lock:
        STORE.items.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


if __name__ == "__main__":
    server, url = start()
    print(url, flush=True)
    threading.Event().wait()
