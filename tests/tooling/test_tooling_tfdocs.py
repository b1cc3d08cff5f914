"""make docs / docs freshness: real .tf parsing, exact rows of terraform-docs' tables, staleness."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import tfdocs

VARIABLES = """\
variable "batch_size" {
  description = "Records per invocation (1-10000)."
  type        = number
  default     = 100
}

variable "filters" {
  description = <<-EOT
    Conditions on new-image attributes.
    Rendered into DynamoDB-typed patterns.
  EOT
  type = list(object({
    attribute = string # the attribute name
    values    = list(string)
  }))
  default = []
}

variable "stream_arn" {
  description = "Stream to read | required."
  type        = string
}
"""

OUTPUTS = """\
output "mapping_uuid" {
  description = "UUID of the event source mapping."
  value       = "x"
}
"""

README = """\
# small module

Intro text that the generator must keep.

<!-- BEGIN_TF_DOCS -->
old table
<!-- END_TF_DOCS -->

Footer kept too.
"""


@pytest.fixture
def module(tmp_path: Path) -> Path:
    directory = tmp_path / "small-module"
    directory.mkdir()
    (directory / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    (directory / "outputs.tf").write_text(OUTPUTS, encoding="utf-8")
    (directory / "README.md").write_text(README, encoding="utf-8")
    return directory


def test_check_fails_on_stale_tables_and_passes_after_write(module: Path) -> None:
    readme = module / "README.md"
    assert tfdocs.check([module]) == [f"{readme}: reference tables are stale; run make docs"]
    assert tfdocs.main(["check", str(module)]) == 1

    assert tfdocs.write([module]) == []
    assert tfdocs.check([module]) == []
    assert tfdocs.main(["check", str(module)]) == 0

    # Changing a description in the .tf makes the README stale again.
    variables = module / "variables.tf"
    variables.write_text(variables.read_text().replace("Records per invocation", "Records per batch"))
    assert tfdocs.check([module]) == [f"{readme}: reference tables are stale; run make docs"]


def test_written_tables_are_exact_and_surrounding_text_is_kept(module: Path) -> None:
    tfdocs.write([module])
    text = (module / "README.md").read_text(encoding="utf-8")
    assert text.startswith(
        "# small module\n\nIntro text that the generator must keep.\n\n<!-- BEGIN_TF_DOCS -->\n"
    )
    assert text.endswith("<!-- END_TF_DOCS -->\n\nFooter kept too.\n")
    assert "old table" not in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows == [
        "| `batch_size` | Records per invocation (1-10000). | `number` | `100` | no |",
        "| `filters` | Conditions on new-image attributes. Rendered into DynamoDB-typed patterns. "
        "| `list(object({ attribute = string, values = list(string) }))` | `[]` | no |",
        "| `stream_arn` | Stream to read \\| required. | `string` | n/a | yes |",
        "| `mapping_uuid` | UUID of the event source mapping. |",
    ]


def test_readme_without_markers_is_an_error(module: Path) -> None:
    readme = module / "README.md"
    readme.write_text("# no markers here\n", encoding="utf-8")
    problems = tfdocs.check([module])
    assert len(problems) == 1
    assert problems[0].startswith(f"{readme}: no <!-- BEGIN_TF_DOCS --> ... <!-- END_TF_DOCS --> section")
    assert tfdocs.write([module]) == problems
    assert readme.read_text(encoding="utf-8") == "# no markers here\n"


def test_missing_readme_is_an_error(module: Path) -> None:
    (module / "README.md").unlink()
    readme = module / "README.md"
    assert tfdocs.check([module]) == [
        f"{readme}: missing; create it with a {tfdocs.BEGIN_MARKER} ... {tfdocs.END_MARKER} section"
    ]


VERSIONS = """\
terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.20"
    }
    random = {
      source = "hashicorp/random"
    }
  }
}
"""

MAIN = """\
module "queue" {
  source = "./modules/queue"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.0.1"
}

data "aws_region" "current" {}

resource "aws_sqs_queue" "this" {
  count = 1
  name  = "q"
}

resource "aws_cloudwatch_log_group" "this" {
  name = "g"
}
"""


def test_requirements_providers_modules_and_resources_tables(module: Path) -> None:
    (module / "versions.tf").write_text(VERSIONS, encoding="utf-8")
    (module / "main.tf").write_text(MAIN, encoding="utf-8")
    assert tfdocs.write([module]) == []
    text = (module / "README.md").read_text(encoding="utf-8")
    generated = text[text.index(tfdocs.BEGIN_MARKER) + len(tfdocs.BEGIN_MARKER) : text.index("## Inputs")]
    registry = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"
    assert generated == (
        "\n## Requirements\n\n"
        "| Name | Version |\n| --- | --- |\n"
        "| `terraform` | `>= 1.6` |\n| `aws` | `>= 6.20` |\n| `random` | n/a |\n\n"
        "## Providers\n\n"
        "| Name | Version |\n| --- | --- |\n"
        "| `aws` | `>= 6.20` |\n\n"
        "## Modules\n\n"
        "| Name | Source | Version |\n| --- | --- | --- |\n"
        "| `queue` | `./modules/queue` | n/a |\n"
        "| `vpc` | `terraform-aws-modules/vpc/aws` | `6.0.1` |\n\n"
        "## Resources\n\n"
        "| Name | Type |\n| --- | --- |\n"
        f"| [aws_cloudwatch_log_group.this]({registry}/resources/cloudwatch_log_group) | resource |\n"
        f"| [aws_sqs_queue.this]({registry}/resources/sqs_queue) | resource |\n"
        f"| [aws_region.current]({registry}/data-sources/region) | data source |\n\n"
    )
    assert tfdocs.check([module]) == []


def test_module_without_providers_or_resources_says_so(module: Path) -> None:
    tfdocs.write([module])
    text = (module / "README.md").read_text(encoding="utf-8")
    assert "## Requirements\n\nNo requirements.\n\n## Providers\n\nNo providers.\n" in text
    assert "## Modules\n\nNo modules.\n\n## Resources\n\nNo resources.\n\n## Inputs\n" in text


def test_a_new_resource_makes_the_readme_stale(module: Path) -> None:
    tfdocs.write([module])
    (module / "main.tf").write_text('resource "aws_sns_topic" "t" {}\n', encoding="utf-8")
    assert tfdocs.check([module]) == [f"{module / 'README.md'}: reference tables are stale; run make docs"]
