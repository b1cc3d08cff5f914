"""The go-plugin side of the stand-in: handshake, TLS, gRPC services and shutdown.

Terraform starts a provider as a child process with a magic-cookie environment
variable, reads one handshake line from its stdout and then talks gRPC to the
address in that line over TLS ("automatic mutual TLS": Terraform passes its own
certificate in ``PLUGIN_CLIENT_CERT`` and expects ours, base64 DER, in the line).
When it is done it calls ``GRPCController.Shutdown`` and, if the process has not
gone within two seconds, kills it - so exiting promptly there saves every command
two seconds per provider instance.
"""

# The servicer methods implement generated gRPC interfaces: their CamelCase names and
# (request, context) parameters are fixed by the protocol, used or not.
# ruff: noqa: N802, ARG002

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import signal
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as provider_rpc

from devtools.aws_provider_standin import LOG_FILE_ENV, planning, schema_file
from devtools.aws_provider_standin.readonly import (
    READ_ONLY_DETAIL,
    READ_ONLY_SUMMARY,
    Step,
    decode,
    read_only_paths,
)
from devtools.aws_provider_standin.schema import JsonObject, ProviderSchema, load, to_proto

# go-plugin's fixed handshake values for Terraform providers (hashicorp/terraform plugin.Handshake).
MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION = 1
APP_PROTOCOL_VERSION = 6

NOT_SUPPORTED = (
    "The hashicorp/aws provider installed here is a schema-only stand-in: it validates and "
    "plans configuration but cannot apply, import or read real infrastructure. Use "
    'mock_provider "aws" in terraform test, or install the real provider.'
)


def log_event(event: str) -> None:
    """Append one lifecycle line to the file named by AWS_STANDIN_LOG_FILE, if set.

    Terraform swallows a plugin's stderr unless TF_LOG is on, so tests read this file to
    see which calls were made and that the process really exited.
    """
    target = os.environ.get(LOG_FILE_ENV)
    if not target:
        return
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(f"{stamp} pid={os.getpid()} {event}\n")


def _error(summary: str, detail: str, path: list[Step] | None = None) -> pb.Diagnostic:
    diagnostic = pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)
    for step in path or []:
        if step.name is not None:
            diagnostic.attribute.steps.add(attribute_name=step.name)
        elif isinstance(step.key, int):
            diagnostic.attribute.steps.add(element_key_int=step.key)
        elif step.key is not None:
            diagnostic.attribute.steps.add(element_key_string=step.key)
    return diagnostic


def _decode_value(value: pb.DynamicValue) -> Any:
    """Decode a DynamicValue; an empty one is null (Terraform sends no bytes for null)."""
    if value.msgpack:
        return decode(value.msgpack)
    if value.json:
        return json.loads(value.json)
    return None


def _read_only_diagnostics(block: JsonObject, config: pb.DynamicValue) -> list[pb.Diagnostic]:
    if not config.msgpack:
        return []
    value = decode(config.msgpack)
    return [_error(READ_ONLY_SUMMARY, READ_ONLY_DETAIL, path) for path in read_only_paths(block, value)]


class ProviderService(provider_rpc.ProviderServicer):  # type: ignore[misc]  # generated base is untyped
    """tfplugin6 Provider service backed by a JSON schema document.

    Validate, plan, refresh (state unchanged) and data source reads (placeholders)
    work from the schema alone; apply and import answer with ``NOT_SUPPORTED``.
    """

    def __init__(self, schema: ProviderSchema, stop: threading.Event) -> None:
        self._schema = schema
        self._stop = stop
        self._region: str | None = None

    def GetMetadata(self, request: Any, context: Any) -> pb.GetMetadata.Response:
        log_event("rpc GetMetadata")
        return pb.GetMetadata.Response(
            resources=[
                pb.GetMetadata.ResourceMetadata(type_name=name) for name in sorted(self._schema.resources)
            ],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=name)
                for name in sorted(self._schema.data_sources)
            ],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> pb.GetProviderSchema.Response:
        log_event("rpc GetProviderSchema")
        response = pb.GetProviderSchema.Response(provider=to_proto(self._schema.provider))
        for name, schema in self._schema.resources.items():
            response.resource_schemas[name].CopyFrom(to_proto(schema))
        for name, schema in self._schema.data_sources.items():
            response.data_source_schemas[name].CopyFrom(to_proto(schema))
        return response

    def ValidateProviderConfig(self, request: Any, context: Any) -> pb.ValidateProviderConfig.Response:
        log_event("rpc ValidateProviderConfig")
        block = self._schema.provider.get("block", {})
        return pb.ValidateProviderConfig.Response(diagnostics=_read_only_diagnostics(block, request.config))

    def ValidateResourceConfig(self, request: Any, context: Any) -> pb.ValidateResourceConfig.Response:
        log_event(f"rpc ValidateResourceConfig {request.type_name}")
        block = self._schema.resources.get(request.type_name, {}).get("block", {})
        return pb.ValidateResourceConfig.Response(diagnostics=_read_only_diagnostics(block, request.config))

    def ValidateDataResourceConfig(
        self, request: Any, context: Any
    ) -> pb.ValidateDataResourceConfig.Response:
        log_event(f"rpc ValidateDataResourceConfig {request.type_name}")
        block = self._schema.data_sources.get(request.type_name, {}).get("block", {})
        return pb.ValidateDataResourceConfig.Response(
            diagnostics=_read_only_diagnostics(block, request.config)
        )

    def ConfigureProvider(self, request: Any, context: Any) -> pb.ConfigureProvider.Response:
        log_event("rpc ConfigureProvider")
        config = _decode_value(request.config)
        region = config.get("region") if isinstance(config, dict) else None
        # Only for placeholder ARNs; an unset or unknown region keeps the default.
        self._region = region if isinstance(region, str) else None
        return pb.ConfigureProvider.Response()

    def UpgradeResourceState(self, request: Any, context: Any) -> pb.UpgradeResourceState.Response:
        # State is stored as JSON already in the current schema version: hand it back as is.
        log_event(f"rpc UpgradeResourceState {request.type_name}")
        return pb.UpgradeResourceState.Response(upgraded_state=pb.DynamicValue(json=request.raw_state.json))

    def ReadResource(self, request: Any, context: Any) -> pb.ReadResource.Response:
        # Refresh: nothing can have drifted in infrastructure that was never created.
        log_event(f"rpc ReadResource {request.type_name}")
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request: Any, context: Any) -> pb.PlanResourceChange.Response:
        log_event(f"rpc PlanResourceChange {request.type_name}")
        block = self._schema.resources.get(request.type_name, {}).get("block", {})
        planned = planning.plan(
            block, _decode_value(request.prior_state), _decode_value(request.proposed_new_state)
        )
        return pb.PlanResourceChange.Response(
            planned_state=pb.DynamicValue(msgpack=planning.encode(planned)),
            planned_private=request.prior_private,
        )

    def ApplyResourceChange(self, request: Any, context: Any) -> pb.ApplyResourceChange.Response:
        log_event(f"rpc ApplyResourceChange {request.type_name}")
        return pb.ApplyResourceChange.Response(
            diagnostics=[_error("Not supported by the stand-in", NOT_SUPPORTED)]
        )

    def ImportResourceState(self, request: Any, context: Any) -> pb.ImportResourceState.Response:
        log_event(f"rpc ImportResourceState {request.type_name}")
        return pb.ImportResourceState.Response(
            diagnostics=[_error("Not supported by the stand-in", NOT_SUPPORTED)]
        )

    def ReadDataSource(self, request: Any, context: Any) -> pb.ReadDataSource.Response:
        log_event(f"rpc ReadDataSource {request.type_name}")
        block = self._schema.data_sources.get(request.type_name, {}).get("block", {})
        state = planning.read_data_source(
            request.type_name, block, _decode_value(request.config), self._region
        )
        return pb.ReadDataSource.Response(state=pb.DynamicValue(msgpack=planning.encode(state)))

    def GetFunctions(self, request: Any, context: Any) -> pb.GetFunctions.Response:
        log_event("rpc GetFunctions")
        return pb.GetFunctions.Response()

    def StopProvider(self, request: Any, context: Any) -> pb.StopProvider.Response:
        # Terraform sends this on interrupt; with nothing in flight, stopping means exiting.
        log_event("rpc StopProvider")
        self._stop.set()
        return pb.StopProvider.Response()


class ControllerService(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]  # untyped base
    """go-plugin's controller: ``Shutdown`` asks the plugin process to exit."""

    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop

    def Shutdown(self, request: Any, context: Any) -> controller_pb.Empty:
        log_event("shutdown received")
        self._stop.set()
        return controller_pb.Empty()


class StdioService(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]  # untyped base
    """go-plugin streams the plugin's stdout/stderr through this; we have nothing to send."""

    def StreamStdio(self, request: Any, context: Any) -> Any:
        return iter(())


def _self_signed_certificate() -> tuple[bytes, bytes, bytes]:
    """Make a throwaway certificate for this process: (der, cert pem, key pem).

    Go verifies the server against the certificate from the handshake line with the
    server name "localhost", so the certificate names it and may sign itself. An EC key
    keeps start-up fast; nothing outlives the process, so nothing is cached on disk.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        certificate.public_bytes(serialization.Encoding.DER),
        certificate.public_bytes(serialization.Encoding.PEM),
        key_pem,
    )


def serve() -> int:
    """Run one provider instance until Terraform shuts it down; return the exit status."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(
            "This is a Terraform provider plugin (schema-only hashicorp/aws stand-in). "
            "It is started by Terraform, not run directly.\n"
        )
        return 1
    # Terraform forwards Ctrl-C to the whole process group but wants to stop plugins itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    log_event("start")
    schema = load(schema_file())
    stop = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_rpc.add_ProviderServicer_to_server(ProviderService(schema, stop), server)
    controller_rpc.add_GRPCControllerServicer_to_server(ControllerService(stop), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(StdioService(), server)

    with tempfile.TemporaryDirectory(prefix="aws-standin-") as workdir:
        socket_path = str(Path(workdir) / "plugin.sock")
        cert_field = ""
        if os.environ.get("PLUGIN_CLIENT_CERT"):
            der, cert_pem, key_pem = _self_signed_certificate()
            # The client certificate is deliberately not required: Terraform's go-plugin
            # client trusts ours from the handshake line, which is all this needs.
            credentials = grpc.ssl_server_credentials([(key_pem, cert_pem)], require_client_auth=False)
            server.add_secure_port(f"unix://{socket_path}", credentials)
            cert_field = base64.b64encode(der).decode().rstrip("=")
        else:
            server.add_insecure_port(f"unix://{socket_path}")
        server.start()
        handshake = [str(CORE_PROTOCOL_VERSION), str(APP_PROTOCOL_VERSION), "unix", socket_path, "grpc"]
        sys.stdout.write("|".join([*handshake, cert_field]) + "\n")
        sys.stdout.flush()

        stop.wait()
        # A short grace lets the Shutdown response itself reach Terraform before we go.
        server.stop(grace=0.2).wait()
    log_event("exit")
    return 0
