#!/bin/sh
# Near miss: runc believed to stay as the process's parent.
lab answer process-chain b
