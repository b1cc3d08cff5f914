"""Fixtures of the pipeline suite: one moto server, a fresh table/stream/queue per test, a test zip.

See ``pipeline_support`` for what the fixtures return.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pipeline_support import FIXTURES, PROCESSORS, REGION, ROOT, Harness, Table

from pipeline.esm_settings import Settings, load_from_modules
from pipeline.local_aws import MotoServer, client, create_resources, use_fake_credentials


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """A moto server for the whole suite; each test creates uniquely named resources."""
    use_fake_credentials()
    with MotoServer() as server:
        yield server.endpoint_url


@pytest.fixture(scope="session")
def test_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handler package source plus the test processors, zipped like a deployment package."""
    path = tmp_path_factory.mktemp("zip") / "pipeline-test.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for source in sorted((ROOT / "handler").rglob("*.py")):
            archive.write(source, source.relative_to(ROOT).as_posix())
        for source in sorted(PROCESSORS.glob("*.py")):
            archive.write(source, f"pipeline_test_processors/{source.name}")
    return path


@pytest.fixture(scope="session")
def settings_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rendered settings are cached per session, so each tfvars file costs one Terraform apply."""
    return tmp_path_factory.mktemp("settings-cache")


@pytest.fixture(scope="session")
def load_settings(settings_cache: Path) -> Callable[[str], Settings]:
    """``load_settings("base.tfvars")``: apply both settings modules with a fixture tfvars file."""
    return lambda name: load_from_modules(FIXTURES / name, cache_dir=settings_cache)


@pytest.fixture
def table(endpoint: str) -> Table:
    suffix = uuid.uuid4().hex[:10]
    resources = create_resources(
        endpoint,
        table_name=f"pipeline-test-{suffix}",
        queue_name=f"failures-{suffix}",
        topic_name=f"topic-{suffix}",
        hash_key="pk",
    )
    return Table(
        resources,
        client("dynamodb", endpoint, REGION),
        client("dynamodbstreams", endpoint, REGION),
        client("sqs", endpoint, REGION),
    )


@pytest.fixture
def harness(
    table: Table, test_zip: Path, tmp_path: Path, endpoint: str, load_settings: Callable[[str], Settings]
) -> Harness:
    return Harness(table, test_zip, tmp_path / "invocations.jsonl", endpoint, load_settings)
