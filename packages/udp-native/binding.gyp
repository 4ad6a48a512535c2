{
  "targets": [
    {
      "target_name": "udp_native",
      "sources": [
        "src/native/udp.c", "src/native/udp-napi.c", "src/native/tcp.c", "src/native/tcp-napi.c",
        "src/native/stream.c", "src/native/errors.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"]
    }
  ]
}
