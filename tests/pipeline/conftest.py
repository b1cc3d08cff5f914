"""Fixtures of the pipeline suite: one moto server, a fresh table/stream/queue per test, a test zip.

See ``pipeline_support`` for what the fixtures return.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.aws.clients import client
from pipeline.aws.resources import create_resources
from pipeline.settings.loader import load_from_modules
from pipeline.settings.model import Settings
from tests.pipeline.support import FIXTURES, PROCESSORS, REGION, ROOT, Harness, Table


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
