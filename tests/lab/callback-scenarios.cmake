# SPDX-License-Identifier: GPL-2.0-or-later
# Callback end to end (the return call): included by tests/lab/CMakeLists.txt, which defines
# mscb_lab_test(). tests/lab/lib/callback-lib.sh is their shared library, not a scenario.
mscb_lab_test(callback-return-call tests/lab/scenarios/callback-return-call.sh TIMEOUT 180)
mscb_lab_test(callback-dtr-hangup tests/lab/scenarios/callback-dtr-hangup.sh TIMEOUT 180)
# The modem is unplugged during the delay (pstn-sim `unplug`): the job fails at once, cleanly.
mscb_lab_test(callback-modem-removed tests/lab/scenarios/callback-modem-removed.sh TIMEOUT 120)
mscb_lab_test(callback-modem-removed tests/lab/scenarios/callback-modem-removed.sh SUITE bookworm TIMEOUT 120)
# One persistent server pppd, call after call (the README's main setup).
mscb_lab_test(callback-persistent tests/lab/scenarios/callback-persistent.sh TIMEOUT 300 ARGS 3)
# The README's peers file as shipped, eight calls in one pppd (soak).
mscb_lab_test(callback-soak tests/lab/scenarios/callback-soak.sh TIMEOUT 600)
mscb_lab_test(callback-pool tests/lab/scenarios/callback-pool.sh TIMEOUT 240)
mscb_lab_test(callerid-callback tests/lab/scenarios/callerid-callback.sh TIMEOUT 240)
# The same line with pppd's maxfail 2: a callback's first call is no failed call.
mscb_lab_test(callback-maxfail tests/lab/scenarios/callback-maxfail.sh TIMEOUT 300)
mscb_lab_test(callback-admin-preset tests/lab/scenarios/callback-admin-preset.sh TIMEOUT 180)
mscb_lab_test(callback-busy-retry tests/lab/scenarios/callback-busy-retry.sh TIMEOUT 240)
mscb_lab_test(callback-no-answer tests/lab/scenarios/callback-no-answer.sh TIMEOUT 240)
mscb_lab_test(callback-helper-down tests/lab/scenarios/callback-helper-down.sh TIMEOUT 180)
mscb_lab_test(callback-helper-restart tests/lab/scenarios/callback-helper-restart.sh TIMEOUT 240)
# Event hooks: a callback, two refusals and an unanswered callback, as a recorder hook sees them.
mscb_lab_test(callback-event-hooks tests/lab/scenarios/callback-event-hooks.sh TIMEOUT 240)
# Timing: runs alone (no other guest competing for the 2 cores); ~80 s for 5 + 1 rounds.
mscb_lab_test(callback-delay-accuracy tests/lab/scenarios/callback-delay-accuracy.sh TIMEOUT 300 LOCK lab-timing ARGS 5)
# RESOURCE_LOCK only excludes tests holding the same lock: RUN_SERIAL keeps every other test out.
set_tests_properties(lab.callback-delay-accuracy PROPERTIES RUN_SERIAL TRUE)
