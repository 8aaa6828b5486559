#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 2: the caller asks for callback, policy "user": LCP Acks 13/6, CHAP succeeds, the
# CBCP exchange completes, the stock client exits 14, the server ends the first call with
# EXIT_CALLBACK (14) and hands the job to the helper. The first call never reaches IPCP.
. "$MSCB_SRC/tests/lab/lib/cbcp-lib.sh"
lab_setup
start_helper
start_server mscb-default user
start_caller pppd-cli callback "$CLI_NUMBER"

assert "server Acks LCP callback op 6" wait_log pppd-srv.log 'sent \[LCP ConfAck .*callback CBCP' 30
assert "CHAP succeeds first" wait_chap_ok pppd-srv.log cli 20
assert "Request offers no-callback and user, in that order" \
    wait_log pppd-srv.log 'sent \[CBCP Request id=1 \[no-callback\] \[user delay=0 number=""\]\]' 10
assert "caller's Response: user, delay 5, its number" \
    wait_log pppd-srv.log "rcvd \[CBCP Response id=1 \[user delay=5 number=\"$CLI_NUMBER\"\]\]" 10
assert "Ack echoes the Response" wait_log pppd-srv.log "sent \[CBCP Ack id=1 \[user delay=5 number=\"$CLI_NUMBER\"\]\]" 10
assert "job handed to the helper" wait_event pppd-srv.log 15 handed user=cli number="$CLI_NUMBER" delay=5
assert_eq "caller exits with EXIT_CALLBACK" 14 "$(wait_bg pppd-cli 30)"
assert_eq "server exits with EXIT_CALLBACK" 14 "$(wait_bg pppd-srv 30)"
assert "helper received the job" wait_event helper.log 5 job-accepted user=cli number="$CLI_NUMBER"
assert "server: first call never reached IPCP" no_ipcp pppd-srv.log
assert "caller: first call never reached IPCP" no_ipcp pppd-cli.log
lab_finish
