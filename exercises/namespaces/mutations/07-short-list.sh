#!/bin/sh
# Near miss: only the capabilities of the mask's last hex digits (CHOWN DAC_OVERRIDE FOWNER FSETID...) reported.
lab answer default-caps CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID
