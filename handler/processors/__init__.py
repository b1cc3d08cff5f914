"""Record processors shipped with the package; name one in ``STREAM_HANDLER_PROCESSOR``."""
