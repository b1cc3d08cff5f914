"""Test functions shipped to the pipeline's worker in a test zip (package ``pipeline_test_processors``)."""
