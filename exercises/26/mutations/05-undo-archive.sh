#!/bin/sh
docker rmi debian:bookworm >/dev/null 2>&1 || true
