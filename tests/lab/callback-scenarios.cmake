# SPDX-License-Identifier: GPL-2.0-or-later
# Callback end to end (the return call): included by tests/lab/CMakeLists.txt, which defines
# mscb_lab_test(). tests/lab/callback-lib.sh is their shared library, not a scenario.
mscb_lab_test(callback-return-call tests/lab/callback-return-call.sh TIMEOUT 180)
mscb_lab_test(callback-admin-preset tests/lab/callback-admin-preset.sh TIMEOUT 180)
