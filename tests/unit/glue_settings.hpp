// SPDX-License-Identifier: GPL-2.0-or-later
// The mscb option values pppd_glue.c hands the bridge when no option was given.
#pragma once

#include "mscb_host.h"

inline mscb_settings pppdOptionDefaults() {
    mscb_settings settings{};
    settings.number_max_digits = 20;
    settings.restart_ms = 2000;
    settings.max_requests = 30;
    settings.ack_wait_ms = 3000;
    settings.delay_min = 5;
    settings.delay_max = 60;
    return settings;
}
