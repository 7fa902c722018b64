#!/bin/sh
docker rmi debian:latest >/dev/null 2>&1 || true
