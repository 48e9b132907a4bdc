"""api.json lives in `panel.remote.apifile` (clients outside the API read it too)."""

from panel.remote.apifile import (
    API_FILE_NAME,
    HEALTH_PATH,
    RPC_PATH,
    ApiFileError,
    ApiInfo,
    api_file_path,
    new_token,
    parse_api_file,
    read_api_file,
    read_token_file,
    remove_api_file,
    rpc_url,
    write_api_file,
)

__all__ = [
    "API_FILE_NAME",
    "HEALTH_PATH",
    "RPC_PATH",
    "ApiFileError",
    "ApiInfo",
    "api_file_path",
    "new_token",
    "parse_api_file",
    "read_api_file",
    "read_token_file",
    "remove_api_file",
    "rpc_url",
    "write_api_file",
]
