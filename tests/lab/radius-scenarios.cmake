# SPDX-License-Identifier: GPL-2.0-or-later
# RADIUS scenarios: the server pppd authenticates through pppd's radius.so against FreeRADIUS 3.2
# (netns aaa) in the guest; helpers in radius-lib.sh, config templates in radius/.
# Included from tests/lab/CMakeLists.txt (uses its mscb_lab_test).
mscb_lab_test(radius-smoke tests/lab/scenarios/radius-smoke.sh TIMEOUT 240)
mscb_lab_test(radius-callback tests/lab/scenarios/radius-callback.sh TIMEOUT 300)
mscb_lab_test(toll-fraud tests/lab/scenarios/toll-fraud.sh TIMEOUT 240)
# Accounting of a callback against FreeRADIUS's detail file (doc/radius-accounting.md).
mscb_lab_test(radius-accounting tests/lab/scenarios/radius-accounting.sh TIMEOUT 180)
mscb_lab_test(radius-accounting tests/lab/scenarios/radius-accounting.sh SUITE bookworm TIMEOUT 180)
