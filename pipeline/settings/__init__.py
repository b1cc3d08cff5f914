"""The mapping's and the function's settings, rendered by Terraform (``load_settings``)."""
