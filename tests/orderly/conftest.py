from tests.openapi_document import openapi_document, openapi_files  # noqa: F401 - fixtures
