/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pppd_glue.c - the only file of mscb that includes pppd's headers (they do not compile as
 * C++). It registers the mscb-* options, wraps LCP's reqci so the caller's Callback option
 * (op 6) is Acked, and forwards every pppd event to the C++ core through mscb_host.h.
 * CBCP reaches it one of two ways, chosen at load time (doc/pppd-hooks.md §1, §8): a pppd
 * built with CBCP has its CBCP protent slot taken over in place; one built without has an
 * entry of pppd's protocol table carry 0xc029 while the NCP opens are held back.
 * Built once per pppd version (2.5.x and 2.4.9).
 * References are to the pppd sources, file:line (version), as in doc/pppd-hooks.md.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if MSCB_PPPD_25
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/options.h>
#define MSCB_PPPD_VERSION PPPD_VERSION
#else
#include "pppd.h"
#include "fsm.h"
#include "lcp.h"
#include "patchlevel.h"
#define MSCB_PPPD_VERSION VERSION
#endif

#include "mscb_host.h"

#define PPP_CBCP_PROTOCOL 0xc029
#define MSCB_PPP_ECP 0x8053 /* PPP_ECP, pppd.h / ppp_defs.h */
#define MSCB_PPP_CCP 0x80fd /* PPP_CCP */
#define MSCB_CALLBACK_DIALOUT 2 /* CALLBACK_DIALOUT, pppd-private.h:145 (2.5.2), pppd.h:275 (2.4.9) */

#define MSCB_EXPORT __attribute__((visibility("default")))

MSCB_EXPORT char pppd_version[] = MSCB_PPPD_VERSION;

/* ---- version seams ---- */
#if MSCB_PPPD_25
#define mscb_timeout ppp_timeout
#define mscb_untimeout ppp_untimeout
#define mscb_add_options ppp_add_options
#define mscb_option_error ppp_option_error
static const char *peer_name(void) { return ppp_peer_authname(NULL, 0); }
static const char *line_name(void) { return ppp_devnam(); }
static void set_status(int code) { ppp_set_status((ppp_exit_code_t)code); }
static const char *get_remote_number(void)
{
	const char *n = ppp_get_remote_number();
	return n ? n : "";
}
static void put_remote_number(const char *n) { ppp_set_remote_number(n); }
#else
#define mscb_timeout timeout
#define mscb_untimeout untimeout
#define mscb_add_options add_options
#define mscb_option_error option_error
static const char *peer_name(void) { return peer_authname; }
static const char *line_name(void) { return devnam; }
static void set_status(int code) { status = code; }
static const char *get_remote_number(void) { return remote_number; }
static void put_remote_number(const char *n)
{
	snprintf(remote_number, sizeof remote_number, "%s", n);
	script_setenv("REMOTENUMBER", remote_number, 0);
}
#endif

/* ---- option storage (NULL/-1 = not given; string defaults must be NULL: pppd free()s) ---- */
static bool opt_enabled;
static bool opt_callback_leg;
static bool opt_radius_callback_framed;
static bool opt_number_feature_codes;
static char *opt_user_fold;
static char *opt_default;
static char *opt_users;
static char *opt_socket;
static char *opt_connector;
static char *opt_allow;
static char *opt_deny;
static char *opt_plus;
static char *opt_expect_user;
static int opt_max_digits = 20;
static int opt_restart_ms = 2000;
static int opt_max_req = 30;
static int opt_ack_wait_ms = 3000;
static int opt_delay_min = 5;
static int opt_delay_max = 60;

/* ---- pppd symbols looked up at run time: private in 2.5, or absent without CBCP ---- */
static int hook_path; /* enum mscb_hook_path, chosen in plugin_init */
static char hook_line[400];
static struct protent *cbcp_slot;
static struct protent cbcp_saved;
/* The protocol-table path (no CBCP compiled in, doc/pppd-hooks.md §8). */
static struct protent **protocol_table;
static int ecp_index = -1;            /* the ECP stub's entry, which mscb_protent takes */
static struct protent *ecp_entry;     /* what was there, put back when mscb is off or at exit */
static struct protent mscb_protent;
static char **callback_script_p;
static int *do_callback_p;
static int *doing_callback_p;
static bool *persist_p;
static int *unsuccess_p; /* optional: without it maxfail counts a callback's first call */
static void (*start_networks_p)(int);

static struct fsm_callbacks lcp_callbacks_copy;
static struct fsm_callbacks *lcp_callbacks_saved;
static int (*holdoff_hook_saved)(void);
static bool persist_saved;
static int return_call_prepared;
static int callback_agreed;
static int timer_armed;
static int in_lowerdown;
static int close_deferred;
static char close_reason[160]; /* lcp_close keeps the pointer: fsm.c term_reason */
static char *connector_command;

static fsm cbcp_stub_fsm; /* only unit and protocol are used, by fsm_sdata */

/* ---- holding the NCPs back during the exchange (protocol-table path, doc §8) ----
 * Without CBCP, network_phase goes straight on to start_networks (auth.c:935-954 (2.5.2)).
 * Every open of an entry below 0xc000 (IPCP, IPv6CP, CCP) goes through a wrapper: while the
 * exchange runs it is only noted (pppd counts it open, so continue_networks does not close the
 * link for "No network protocols running"), and replayed when the caller chose no callback. */
#define MSCB_MAX_NCPS 8
enum { HOLD_OFF, HOLD_ON, HOLD_DROP /* link went down mid-exchange: forget, do not replay */ };
static int ncp_hold = HOLD_OFF;
static unsigned ncp_held;             /* bit i: ncp_entry[i]'s open was asked for */
static int ncp_count;
static struct protent *ncp_entry[MSCB_MAX_NCPS];
static void (*ncp_open_saved[MSCB_MAX_NCPS])(int);
static int open_pending;              /* auth-up asked for CBCP: open it when PHASE_NETWORK begins */

static void held_open(int slot, int unit)
{
	if (ncp_hold == HOLD_OFF) {
		ncp_open_saved[slot](unit);
		return;
	}
	if (ncp_hold == HOLD_ON) {
		ncp_held |= 1u << slot;
		dbglog("mscb: %s held until the callback exchange ends", ncp_entry[slot]->name);
	}
}

#define MSCB_NCP_OPEN(n) static void ncp_open_##n(int unit) { held_open(n, unit); }
MSCB_NCP_OPEN(0) MSCB_NCP_OPEN(1) MSCB_NCP_OPEN(2) MSCB_NCP_OPEN(3)
MSCB_NCP_OPEN(4) MSCB_NCP_OPEN(5) MSCB_NCP_OPEN(6) MSCB_NCP_OPEN(7)
static void (*const ncp_open_wrapper[MSCB_MAX_NCPS])(int) = {
	ncp_open_0, ncp_open_1, ncp_open_2, ncp_open_3, ncp_open_4, ncp_open_5, ncp_open_6, ncp_open_7,
};

static int is_held_protocol(const struct protent *p)
{
	return p != &mscb_protent && p->protocol < 0xc000 && p->open != NULL;
}

static void wrap_ncp_opens(void)
{
	struct protent *p;
	int i;
	ncp_count = 0;
	for (i = 0; (p = protocol_table[i]) != NULL && ncp_count < MSCB_MAX_NCPS; ++i) {
		if (!is_held_protocol(p))
			continue;
		ncp_entry[ncp_count] = p;
		ncp_open_saved[ncp_count] = p->open;
		p->open = ncp_open_wrapper[ncp_count];
		++ncp_count;
	}
}

static void unwrap_ncp_opens(void)
{
	int i;
	for (i = 0; i < ncp_count; ++i)
		if (ncp_entry[i]->open == ncp_open_wrapper[i])
			ncp_entry[i]->open = ncp_open_saved[i];
	ncp_count = 0;
}

/* "No callback": open what start_networks asked for, in its order (CCP and ECP first,
 * auth.c:983 (2.5.2), then the rest in table order, auth.c:1006). */
static void release_ncps(void)
{
	unsigned held = ncp_held;
	int pass, i;
	ncp_hold = HOLD_OFF;
	ncp_held = 0;
	for (pass = 0; pass < 2; ++pass)
		for (i = 0; i < ncp_count; ++i) {
			int early = ncp_entry[i]->protocol == MSCB_PPP_CCP || ncp_entry[i]->protocol == MSCB_PPP_ECP;
			if ((held & (1u << i)) && early == (pass == 0))
				ncp_open_saved[i](0);
		}
}

static void set_string_option(char **slot, const char *value)
{
	free(*slot);
	*slot = strdup(value);
}

static int parse_policy(char **argv)
{
	char err[256];
	if (mscb_core_check_policy(*argv, err, sizeof err) != 0) {
		mscb_option_error("mscb-default: %s", err);
		return 0;
	}
	set_string_option(&opt_default, *argv);
	return 1;
}

static int parse_users(char **argv)
{
	char err[256];
	if (mscb_core_check_users_file(*argv, err, sizeof err) != 0) {
		mscb_option_error("mscb-users: %s", err);
		return 0;
	}
	set_string_option(&opt_users, *argv);
	return 1;
}

static int parse_prefixes(char **argv, char **slot, const char *name)
{
	char err[256];
	if (mscb_core_check_prefixes(*argv, err, sizeof err) != 0) {
		mscb_option_error("%s: %s", name, err);
		return 0;
	}
	set_string_option(slot, *argv);
	return 1;
}

static int parse_user_fold(char **argv)
{
	char err[256];
	if (mscb_core_check_user_fold(*argv, err, sizeof err) != 0) {
		mscb_option_error("mscb-user-fold: %s", err);
		return 0;
	}
	set_string_option(&opt_user_fold, *argv);
	return 1;
}

static int parse_allow(char **argv) { return parse_prefixes(argv, &opt_allow, "mscb-number-allow"); }
static int parse_deny(char **argv) { return parse_prefixes(argv, &opt_deny, "mscb-number-deny"); }

/* Privileged like every mscb option: a user allowed to run `pppd call X` must not loosen
 * root's number length, delays or timers from the command line. */
#define MSCB_INT_OPTION(optname, var, low, high, text) \
	{ .name = optname, .type = o_int, .addr = &var, .description = text, \
	  .flags = OPT_PRIV | OPT_PRIO | OPT_LIMITS, .upper_limit = high, .lower_limit = low }

static option_t mscb_options[] = {
	{ .name = "mscb", .type = o_bool, .addr = &opt_enabled,
	  .description = "Answer Microsoft Callback (CBCP) requests", .flags = OPT_PRIV | 1 },
	{ .name = "mscb-default", .type = o_special, .addr = (void *)parse_policy,
	  .description = "Callback policy for users without an entry", .flags = OPT_PRIV | OPT_A2STRVAL,
	  .addr2 = &opt_default },
	{ .name = "mscb-users", .type = o_special, .addr = (void *)parse_users,
	  .description = "Per-user callback policy file", .flags = OPT_PRIV | OPT_A2STRVAL,
	  .addr2 = &opt_users },
	{ .name = "mscb-helper-socket", .type = o_string, .addr = &opt_socket,
	  .description = "Socket of the mscb helper", .flags = OPT_PRIV },
	{ .name = "mscb-connector", .type = o_string, .addr = &opt_connector,
	  .description = "Program pppd runs to get the return call's line from the helper",
	  .flags = OPT_PRIV },
	{ .name = "mscb-number-allow", .type = o_special, .addr = (void *)parse_allow,
	  .description = "Callback numbers must start with one of these prefixes",
	  .flags = OPT_PRIV | OPT_A2STRVAL, .addr2 = &opt_allow },
	{ .name = "mscb-number-deny", .type = o_special, .addr = (void *)parse_deny,
	  .description = "Callback numbers must not start with these prefixes",
	  .flags = OPT_PRIV | OPT_A2STRVAL, .addr2 = &opt_deny },
	{ .name = "mscb-number-plus", .type = o_string, .addr = &opt_plus,
	  .description = "Digits that replace a leading '+' in callback numbers", .flags = OPT_PRIV },
	{ .name = "mscb-callback-leg", .type = o_bool, .addr = &opt_callback_leg,
	  .description = "This pppd runs a return call: no callback offered", .flags = OPT_PRIV | 1 },
	{ .name = "mscb-radius-callback-framed", .type = o_bool, .addr = &opt_radius_callback_framed,
	  .description = "Accept RADIUS Service-Type Callback-Framed-User (radius.so refuses it)",
	  .flags = OPT_PRIV | 1 },
	{ .name = "mscb-expect-user", .type = o_string, .addr = &opt_expect_user,
	  .description = "The return call must authenticate as this user", .flags = OPT_PRIV },
	{ .name = "mscb-number-feature-codes", .type = o_bool, .addr = &opt_number_feature_codes,
	  .description = "Callers may name numbers with '*' and '#' (feature codes)",
	  .flags = OPT_PRIV | 1 },
	{ .name = "mscb-user-fold", .type = o_special, .addr = (void *)parse_user_fold,
	  .description = "How user names match the policy: none, case, realm or case,realm",
	  .flags = OPT_PRIV | OPT_A2STRVAL, .addr2 = &opt_user_fold },
	MSCB_INT_OPTION("mscb-number-max", opt_max_digits, 4, 32, "Longest callback number, in digits"),
	MSCB_INT_OPTION("mscb-restart", opt_restart_ms, 500, 30000, "CBCP Request retransmit interval, ms"),
	MSCB_INT_OPTION("mscb-max-req", opt_max_req, 1, 250, "CBCP Requests before giving up"),
	MSCB_INT_OPTION("mscb-ack-wait", opt_ack_wait_ms, 0, 30000,
			"Wait after the Ack before ending the first call, ms"),
	MSCB_INT_OPTION("mscb-delay-min", opt_delay_min, 0, 255, "Shortest callback delay, seconds"),
	MSCB_INT_OPTION("mscb-delay-max", opt_delay_max, 0, 255, "Longest callback delay, seconds"),
	{ NULL }
};

/* ---- host ops for the core ---- */
static void host_log(int level, const char *text)
{
	switch (level) {
	case MSCB_LOG_DEBUG: dbglog("mscb: %s", text); break;
	case MSCB_LOG_INFO: info("mscb: %s", text); break;
	case MSCB_LOG_NOTICE: notice("mscb: %s", text); break;
	case MSCB_LOG_WARN: warn("mscb: %s", text); break;
	default: error("mscb: %s", text); break;
	}
}

static void host_send_cbcp(const unsigned char *packet, int len)
{
	if (len < HEADERLEN)
		return;
	/* fsm_sdata (fsm.c:762 (2.5.2)) writes the PPP and CBCP headers itself. */
	fsm_sdata(&cbcp_stub_fsm, packet[0], packet[1], (unsigned char *)packet + HEADERLEN,
		  len - HEADERLEN);
}

static void timer_fired(void *arg)
{
	(void)arg;
	timer_armed = 0;
	mscb_core_timeout();
}

static void host_cancel_timer(void)
{
	if (timer_armed)
		mscb_untimeout(timer_fired, NULL);
	timer_armed = 0;
}

static void host_arm_timer(long ms)
{
	host_cancel_timer();
	mscb_timeout(timer_fired, NULL, (int)(ms / 1000), (int)(ms % 1000) * 1000);
	timer_armed = 1;
}

static void host_start_networks(void)
{
	if (hook_path == MSCB_HOOKS_PROTOCOL_TABLE)
		release_ncps(); /* pppd already ran start_networks: only its opens were held */
	else
		start_networks_p(0);
}

/* A close asked for while LCP takes the upper layers down (lcp_down -> link_down -> our
 * lowerdown) must wait: lcp_close there would re-enter the LCP state machine mid-transition
 * (fsm.c fsm_rconfreq sets REQSENT after the down callback returns). */
static void deferred_close(void *arg)
{
	(void)arg;
	close_deferred = 0;
	/* Still up (renegotiating, REQSENT and beyond): end the call. After a hang-up LCP is
	 * STARTING or below and pppd is already tearing the link down: nothing to do. */
	if (lcp_fsm[0].state >= REQSENT)
		lcp_close(0, close_reason);
}

static void cancel_deferred_close(void)
{
	if (close_deferred)
		mscb_untimeout(deferred_close, NULL);
	close_deferred = 0;
}

static void host_close_link(const char *reason)
{
	snprintf(close_reason, sizeof close_reason, "%s", reason);
	if (in_lowerdown) {
		cancel_deferred_close();
		mscb_timeout(deferred_close, NULL, 0, 0);
		close_deferred = 1;
		return;
	}
	lcp_close(0, close_reason);
}

static void host_set_callback_status(void)
{
	callback_agreed = 1;
	set_status(EXIT_CALLBACK);
	/* maxfail counts consecutive calls that fail (unsuccess: ++ at each link iteration, reset
	 * only by np_up, main.c / auth.c (2.5.2 and 2.4.9)). A call that agreed a callback never
	 * brings up an NCP, yet it succeeded: without this, `maxfail 2` ends a persistent pppd after
	 * a callback whose return call is not answered, and `maxfail 1` after every callback. */
	if (unsuccess_p)
		*unsuccess_p = 0;
}

static int no_holdoff(void)
{
	return 0; /* the helper times the delay while it holds the line */
}

static int host_prepare_return_call(const char *command)
{
	char *copy = strdup(command);
	if (!copy)
		return -1;
	free(connector_command);
	connector_command = copy;
	/* pppd's unfinished CALLBACK_DIALOUT path (main.c:562-575, tty.c:606 (2.5.2)): the next
	 * link iteration runs callback_script instead of the connect script. */
	*callback_script_p = connector_command;
	*do_callback_p = MSCB_CALLBACK_DIALOUT;
	if (!return_call_prepared) {
		persist_saved = *persist_p;
		holdoff_hook_saved = holdoff_hook;
	}
	*persist_p = 1; /* the main loop only comes round again with persist set */
	holdoff_hook = no_holdoff;
	return_call_prepared = 1;
	return 0;
}

static void host_set_connector_command(const char *command)
{
	char *copy;
	if (!return_call_prepared || !(copy = strdup(command)))
		return;
	free(connector_command);
	connector_command = copy;
	*callback_script_p = connector_command;
}

static void host_end_after_this_call(void)
{
	*persist_p = 0; /* as the stock CBCP client does: pppd exits, status 14 */
}

/* The remote number pppd had before a return call set it (the `remotenumber` option, or
 * nothing): a persistent pppd's next caller must not inherit the callback number. */
static char remote_number_before[MAXNAMELEN];
static int remote_number_replaced;

static void host_set_remote_number(const char *number)
{
	if (number) {
		if (!remote_number_replaced)
			snprintf(remote_number_before, sizeof remote_number_before, "%s", get_remote_number());
		remote_number_replaced = 1;
		put_remote_number(number);
	} else if (remote_number_replaced) {
		remote_number_replaced = 0;
		put_remote_number(remote_number_before);
	}
}

static const struct mscb_host_ops host_ops = {
	.send_cbcp = host_send_cbcp,
	.arm_timer = host_arm_timer,
	.cancel_timer = host_cancel_timer,
	.start_networks = host_start_networks,
	.close_link = host_close_link,
	.set_callback_status = host_set_callback_status,
	.prepare_return_call = host_prepare_return_call,
	.set_connector_command = host_set_connector_command,
	.end_after_this_call = host_end_after_this_call,
	.log = host_log,
	.set_remote_number = host_set_remote_number,
};

/* ---- LCP: Ack the CBCP callback option (doc/pppd-hooks.md §2) ---- */
static int mscb_lcp_reqci(fsm *f, u_char *inp, int *lenp, int reject_if_disagree)
{
	int offset, cilen, len, verdict;
	u_char saved[256];

	if (!mscb_core_find_callback_ci(inp, *lenp, &offset, &cilen) || cilen > (int)sizeof saved)
		return lcp_callbacks_saved->reqci(f, inp, lenp, reject_if_disagree);

	/* Hide our CI from stock LCP (it would Config-Reject it: lcp.c:1808 (2.5.2)). */
	memcpy(saved, inp + offset, cilen);
	memmove(inp + offset, inp + offset + cilen, *lenp - offset - cilen);
	len = *lenp - cilen;
	verdict = lcp_callbacks_saved->reqci(f, inp, &len, reject_if_disagree);
	if (verdict == CONFACK) {
		/* A Configure-Ack echoes the request byte for byte: put the CI back where it was.
		 * The output is the request minus our CI, so this restores the original length. */
		memmove(inp + offset + cilen, inp + offset, len - offset);
		memcpy(inp + offset, saved, cilen);
		len += cilen;
		/* lcp_reqci zeroes the peer's options first (lcp.c:1501 (2.5.2)), so set it after. */
		lcp_hisoptions[f->unit].neg_cbcp = 1;
	}
	*lenp = len;
	return verdict;
}

/* ---- the CBCP protent slot, taken over in place (doc/pppd-hooks.md §4) ---- */
static void cbcp_input(int unit, u_char *packet, int len)
{
	(void)unit;
	mscb_core_input(packet, len);
}

static void cbcp_protrej(int unit)
{
	(void)unit;
	mscb_core_protocol_reject();
}

static void cbcp_lowerup(int unit)
{
	(void)unit;
}

static void cbcp_lowerdown(int unit)
{
	(void)unit;
	/* The exchange is over with this link: held opens are forgotten (upper_layers_down closes
	 * the NCPs and zeroes pppd's count, auth.c:801-810 (2.5.2)), later ones dropped until the
	 * next auth-up decides again. */
	if (ncp_hold == HOLD_ON)
		ncp_hold = HOLD_DROP;
	ncp_held = 0;
	open_pending = 0;
	in_lowerdown = 1;
	mscb_core_link_down();
	in_lowerdown = 0;
	host_cancel_timer();
}

static void cbcp_open(int unit)
{
	(void)unit;
	mscb_core_open();
}

/* Called for every CBCP packet under `debug`, malformed or not (utils.c format_packet). */
static int cbcp_printpkt(u_char *packet, int len, printer_func printer, void *arg)
{
	char text[512];
	mscb_core_describe(packet, len, text, sizeof text);
	printer(arg, " %s", text); /* pppd prints "[CBCP" then us */
	return len;
}

/* ---- RADIUS: radius.so's Access-Accept, through its radius_attributes_hook ---- */
/* radius.so's VALUE_PAIR (radiusclient.h, pppd 2.4.9 and 2.5.x alike; ppp-dev ships no header). */
struct mscb_value_pair {
	char name[33];
	int attribute;
	int vendorcode;
	int type;
	unsigned int lvalue;
	unsigned char strvalue[254];
	struct mscb_value_pair *next;
};
#define MSCB_RADIUS_TYPE_STRING 0
#define MSCB_RADIUS_SERVICE_TYPE 6
#define MSCB_RADIUS_CALLBACK_FRAMED_USER 4
#define MSCB_RADIUS_FRAMED_USER 2

typedef void (*radius_hook_t)(struct mscb_value_pair *);
static radius_hook_t *radius_hook_slot;
static radius_hook_t radius_hook_next;

/* Called in radius_setparams (radius.c:561 (2.5.2)) before its Service-Type check; the list is
 * freed right after, so the core copies what it keeps. */
static void on_radius_attributes(struct mscb_value_pair *pairs)
{
	struct mscb_value_pair *vp;
	int n = 0;

	mscb_core_radius_begin();
	for (vp = pairs; vp && n < 256; vp = vp->next, ++n) {
		int len = 0;
		if (vp->type == MSCB_RADIUS_TYPE_STRING)
			len = vp->lvalue < sizeof vp->strvalue - 1 ? (int)vp->lvalue : (int)sizeof vp->strvalue - 1;
		mscb_core_radius_attribute(vp->attribute, vp->vendorcode, vp->lvalue, vp->strvalue, len);
		/* radius.so refuses any Service-Type but Framed-User ("wrong service type"), so a
		 * standards-correct Callback-Framed-User reply fails the login; opt-in rewrite. */
		if (opt_radius_callback_framed && vp->attribute == MSCB_RADIUS_SERVICE_TYPE &&
		    vp->vendorcode <= 0 && vp->lvalue == MSCB_RADIUS_CALLBACK_FRAMED_USER)
			vp->lvalue = MSCB_RADIUS_FRAMED_USER;
	}
	if (radius_hook_next)
		radius_hook_next(pairs); /* radattr.so and friends keep working */
}

/* After every `plugin` line is loaded: chain into radius.so's hook if it is there. */
static int hook_radius(void)
{
	radius_hook_slot = dlsym(RTLD_DEFAULT, "radius_attributes_hook");
	if (!radius_hook_slot)
		return 0;
	radius_hook_next = *radius_hook_slot;
	*radius_hook_slot = on_radius_attributes;
	return 1;
}

/* ---- notifiers ---- */
static void on_auth_up(void *arg, int unused)
{
	int verdict;
	(void)arg;
	(void)unused;
	verdict = mscb_core_auth_up(peer_name(), line_name(), lcp_hisoptions[0].neg_cbcp, (int)getpid());
	if (hook_path == MSCB_HOOKS_PROTOCOL_TABLE) {
		/* network_phase calls start_networks right after this notifier (auth.c:935-954
		 * (2.5.2), the CBCP block compiled out): hold its opens, start CBCP when it enters
		 * PHASE_NETWORK. Set both ways, as below. */
		ncp_held = 0;
		ncp_hold = verdict != MSCB_STOCK ? HOLD_ON : HOLD_OFF;
		open_pending = verdict != MSCB_STOCK;
		return;
	}
	/* network_phase tests go->neg_cbcp after this notifier (auth.c:926-939 (2.5.2)): set, it
	 * enters PHASE_CALLBACK and calls cbcp_protent.open, where we run CBCP or close. Set both
	 * ways: an EAP re-challenge (eap-interval) comes through network_phase again, and once CBCP
	 * is done on this link it must go on as stock pppd would. */
	lcp_gotoptions[0].neg_cbcp = verdict != MSCB_STOCK;
}

static void on_phase_change(void *arg, int new_phase)
{
	(void)arg;
	/* Every link iteration starts here (start_link, auth.c (2.5.2 and 2.4.9)). */
	if (new_phase == PHASE_SERIALCONN) {
		int is_return_call = return_call_prepared && *doing_callback_p == MSCB_CALLBACK_DIALOUT;
		if (return_call_prepared) {
			/* Our connector runs now (or never will): give back what we borrowed. */
			*persist_p = persist_saved;
			holdoff_hook = holdoff_hook_saved;
		}
		cancel_deferred_close();
		callback_agreed = 0;
		ncp_hold = HOLD_OFF;
		ncp_held = 0;
		open_pending = 0;
		mscb_core_link_started(is_return_call);
		/* After link_started: it may still replace the connector command. */
		return_call_prepared = 0;
	}
	/* Protocol-table path: start_networks entered PHASE_NETWORK (auth.c:964 (2.5.2)) before
	 * any NCP open, which the hold now catches. This is where stock pppd would have called
	 * cbcp_protent.open. A close from here (a refused caller) ends the link synchronously;
	 * lowerdown turns the hold to "drop" so start_networks' opens that follow do nothing. */
	if (new_phase == PHASE_NETWORK && open_pending) {
		open_pending = 0;
		mscb_core_open();
	}
	/* link_terminated (auth.c (2.5.2 and 2.4.9)): the call is over, hang-up or not. */
	if (new_phase == PHASE_DISCONNECT)
		mscb_core_link_terminated();
	/* A "Modem hangup" after our Ack rewrites the status to 16 (main.c:1151 (2.5.2)). */
	if (callback_agreed && (new_phase == PHASE_DISCONNECT || new_phase == PHASE_DEAD))
		set_status(EXIT_CALLBACK);
}

static void on_exit_notify(void *arg, int unused)
{
	(void)arg;
	(void)unused;
	host_cancel_timer();
	if (lcp_callbacks_saved)
		lcp_fsm[0].callbacks = lcp_callbacks_saved;
	if (cbcp_slot)
		*cbcp_slot = cbcp_saved;
	if (ecp_index >= 0 && protocol_table[ecp_index] == &mscb_protent)
		protocol_table[ecp_index] = ecp_entry;
	unwrap_ncp_opens();
	if (radius_hook_slot && *radius_hook_slot == on_radius_attributes)
		*radius_hook_slot = radius_hook_next;
}

#if MSCB_PPPD_25
static void add_notifiers(void)
{
	ppp_add_notify(NF_AUTH_UP, on_auth_up, NULL);
	ppp_add_notify(NF_PHASE_CHANGE, on_phase_change, NULL);
	ppp_add_notify(NF_EXIT, on_exit_notify, NULL);
}
#else
static void add_notifiers(void)
{
	add_notifier(&auth_up_notifier, on_auth_up, NULL);
	add_notifier(&phasechange, on_phase_change, NULL);
	add_notifier(&exitnotify, on_exit_notify, NULL);
}
#endif

/* Runs after every option is parsed, for every protent (main.c:474 (2.5.2)). */
static void cbcp_check_options(void)
{
	struct mscb_settings settings;
	char err[320];

	if (hook_path == MSCB_HOOKS_CBCP_SLOT && cbcp_saved.check_options)
		cbcp_saved.check_options();
	if (hook_path == MSCB_HOOKS_PROTOCOL_TABLE && ecp_entry->check_options)
		ecp_entry->check_options();
	if (!opt_enabled) {
		/* mscb off: pppd exactly as it was. */
		if (hook_path == MSCB_HOOKS_CBCP_SLOT)
			*cbcp_slot = cbcp_saved;
		else
			protocol_table[ecp_index] = ecp_entry;
		return;
	}
	if (lcp_wantoptions[0].neg_cbcp) {
		mscb_option_error("mscb: the 'callback' option (CBCP client) cannot be used with mscb (server)");
		exit(EXIT_OPTION_ERROR);
	}
	memset(&settings, 0, sizeof settings);
	settings.default_policy = opt_default;
	settings.users_file = opt_users;
	settings.helper_socket = opt_socket;
	settings.connector = opt_connector;
	settings.number_allow = opt_allow;
	settings.number_deny = opt_deny;
	settings.number_plus = opt_plus;
	settings.number_max_digits = opt_max_digits;
	settings.restart_ms = opt_restart_ms;
	settings.max_requests = opt_max_req;
	settings.ack_wait_ms = opt_ack_wait_ms;
	settings.delay_min = opt_delay_min;
	settings.delay_max = opt_delay_max;
	settings.callback_leg = opt_callback_leg;
	settings.expect_user = opt_expect_user;
	settings.radius_loaded = hook_radius();
	settings.number_feature_codes = opt_number_feature_codes;
	settings.user_fold = opt_user_fold;
	if (mscb_core_configure(&host_ops, &settings, err, sizeof err) != 0) {
		mscb_option_error("mscb: %s", err);
		exit(EXIT_OPTION_ERROR);
	}

	if (hook_path == MSCB_HOOKS_CBCP_SLOT) {
		cbcp_slot->input = cbcp_input;
		cbcp_slot->protrej = cbcp_protrej;
		cbcp_slot->lowerup = cbcp_lowerup;
		cbcp_slot->lowerdown = cbcp_lowerdown;
		cbcp_slot->open = cbcp_open;
		cbcp_slot->printpkt = cbcp_printpkt;
		cbcp_slot->enabled_flag = 1;
	} else {
		mscb_protent.enabled_flag = 1; /* get_input dispatches 0xc029 to it (main.c:1196 (2.5.2)) */
		wrap_ncp_opens();
	}

	lcp_callbacks_copy = *lcp_fsm[0].callbacks;
	lcp_callbacks_saved = lcp_fsm[0].callbacks;
	lcp_callbacks_copy.reqci = mscb_lcp_reqci;
	lcp_fsm[0].callbacks = &lcp_callbacks_copy;

	add_notifiers();
	/* The one line that says how this pppd is hooked (doc/pppd-hooks.md §1). */
	info("mscb: answering Microsoft Callback requests; %s", hook_line);
}

/* The ECP entry of pppd's protocol table, if it is pppd's stub: ECP has never been implemented
 * (ecp.c: no input, no open; its only option, noecp, clears its enabled_flag), so nothing
 * reaches it and 0xc029 can ride in its place (doc/pppd-hooks.md §8). */
static int find_spare_ecp_entry(void)
{
	struct protent *p;
	int i;
	for (i = 0; (p = protocol_table[i]) != NULL; ++i)
		if (p->protocol == MSCB_PPP_ECP && p->input == NULL && p->open == NULL &&
		    p->datainput == NULL && !p->enabled_flag)
			return i;
	return -1;
}

static int count_held_protocols(void)
{
	struct protent *p;
	int i, n = 0;
	for (i = 0; (p = protocol_table[i]) != NULL; ++i)
		n += p->protocol < 0xc000 && p->open != NULL;
	return n;
}

/* The protocol-table path's entry, in the ECP stub's place from plugin_init on: it keeps ECP's
 * options (so `noecp` still parses; it writes ecp_protent itself) and is enabled only once
 * `mscb` is given (check_options). */
static void take_ecp_entry(void)
{
	ecp_entry = protocol_table[ecp_index];
	memset(&mscb_protent, 0, sizeof mscb_protent);
	mscb_protent.protocol = PPP_CBCP_PROTOCOL;
	mscb_protent.init = ecp_entry->init; /* main.c:416 ran it already; never NULL for safety */
	mscb_protent.input = cbcp_input;
	mscb_protent.protrej = cbcp_protrej;
	mscb_protent.lowerup = cbcp_lowerup;
	mscb_protent.lowerdown = cbcp_lowerdown;
	mscb_protent.open = cbcp_open; /* pppd never opens an entry at 0xc000 or above */
	mscb_protent.printpkt = cbcp_printpkt; /* utils.c format_packet: "[CBCP ...]" under debug */
	mscb_protent.enabled_flag = 0;
	mscb_protent.name = "CBCP";
	mscb_protent.options = ecp_entry->options;
	mscb_protent.check_options = cbcp_check_options;
	protocol_table[ecp_index] = &mscb_protent;
}

MSCB_EXPORT void plugin_init(void)
{
	struct mscb_pppd_facts facts;

	/* cbcp_protent exists only in a pppd built with CBCP (--enable-cbcp / CBCP=y). */
	cbcp_slot = dlsym(RTLD_DEFAULT, "cbcp_protent");
	callback_script_p = dlsym(RTLD_DEFAULT, "callback_script");
	do_callback_p = dlsym(RTLD_DEFAULT, "do_callback");
	doing_callback_p = dlsym(RTLD_DEFAULT, "doing_callback");
	persist_p = dlsym(RTLD_DEFAULT, "persist");
	start_networks_p = (void (*)(int))dlsym(RTLD_DEFAULT, "start_networks");
	unsuccess_p = dlsym(RTLD_DEFAULT, "unsuccess");
	protocol_table = dlsym(RTLD_DEFAULT, "protocols"); /* pppd.h:211 (2.5.2) */

	memset(&facts, 0, sizeof facts);
	facts.cbcp_protent = cbcp_slot != NULL;
	facts.protocol_table = protocol_table != NULL;
	if (protocol_table) {
		ecp_index = find_spare_ecp_entry();
		facts.spare_ecp_entry = ecp_index >= 0;
		facts.ncp_opens_fit = count_held_protocols() <= MSCB_MAX_NCPS;
	}
	facts.start_networks = start_networks_p != NULL;
	facts.callback_script = callback_script_p != NULL;
	facts.do_callback = do_callback_p != NULL;
	facts.doing_callback = doing_callback_p != NULL;
	facts.persist = persist_p != NULL;
	hook_path = mscb_core_choose_hooks(&facts, MSCB_PPPD_VERSION, hook_line, sizeof hook_line);
	if (hook_path == MSCB_HOOKS_NONE)
		fatal("mscb: %s", hook_line);

	if (hook_path == MSCB_HOOKS_CBCP_SLOT) {
		ecp_index = -1;
		cbcp_saved = *cbcp_slot;
		cbcp_slot->check_options = cbcp_check_options;
	} else {
		take_ecp_entry();
	}

	cbcp_stub_fsm.unit = 0;
	cbcp_stub_fsm.protocol = PPP_CBCP_PROTOCOL;
	mscb_add_options(mscb_options);
}
