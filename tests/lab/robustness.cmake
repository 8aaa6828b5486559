# SPDX-License-Identifier: GPL-2.0-or-later
# Robustness: the hostile CBCP caller's catalogue and the lab faults (doc/robustness.md).
# Included by tests/lab/CMakeLists.txt, which defines mscb_lab_test().
mscb_lab_test(hostile-cbcp tests/lab/scenarios/hostile-cbcp.sh TIMEOUT 300)
mscb_lab_test(fault-server-kill tests/lab/scenarios/fault-server-kill.sh TIMEOUT 300)
mscb_lab_test(fault-no-answer tests/lab/scenarios/fault-no-answer.sh TIMEOUT 300)
mscb_lab_test(fault-no-dialtone tests/lab/scenarios/fault-no-dialtone.sh TIMEOUT 300)
mscb_lab_test(fault-helper-kill-dial tests/lab/scenarios/fault-helper-kill-dial.sh TIMEOUT 300)
mscb_lab_test(fault-journal-full tests/lab/scenarios/fault-journal-full.sh TIMEOUT 300)
# Moves the guest's wall clock; its assertion is on timing: keep other guests off the cores.
mscb_lab_test(fault-clock-jump tests/lab/scenarios/fault-clock-jump.sh TIMEOUT 300 LOCK lab-timing)
