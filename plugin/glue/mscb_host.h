/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mscb_host.h - the plain-C seam between pppd_glue.c (the only file that sees pppd headers)
 * and the C++ bridge. No pppd types cross it; every bridge function is noexcept and catches
 * everything, so nothing C++ ever unwinds into pppd.
 */
#ifndef MSCB_HOST_H
#define MSCB_HOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mscb_log_level { MSCB_LOG_DEBUG, MSCB_LOG_INFO, MSCB_LOG_NOTICE, MSCB_LOG_WARN, MSCB_LOG_ERROR };

/* What the core may ask pppd to do (implemented in pppd_glue.c). */
struct mscb_host_ops {
	void (*send_cbcp)(const unsigned char *packet, int len); /* CBCP header + options */
	void (*arm_timer)(long ms);
	void (*cancel_timer)(void);
	void (*start_networks)(void);
	void (*close_link)(const char *reason);
	void (*set_callback_status)(void); /* exit status EXIT_CALLBACK */
	/* Keep pppd alive for the return call: run `command` as the callback connector on the
	 * next link iteration. Returns 0 on success. */
	int (*prepare_return_call)(const char *command);
	/* Replaces the prepared return call's connector command (same link iteration). */
	void (*set_connector_command)(const char *command);
	/* pppd exits after this call (no return call in this process). */
	void (*end_after_this_call)(void);
	void (*log)(int level, const char *text);
	/* The return call's remote number (pppd's `remotenumber`: REMOTENUMBER for ip-up, radius.so's
	 * Calling-Station-Id) is the number the helper dialled; NULL puts back what pppd had before. */
	void (*set_remote_number)(const char *number);
};

/* Option values, owned by the glue (NULL / 0 = not given). */
struct mscb_settings {
	const char *default_policy;
	const char *users_file;
	const char *helper_socket;
	const char *connector;
	const char *number_allow;
	const char *number_deny;
	const char *number_plus;
	int number_max_digits;
	int restart_ms;
	int max_requests;
	int ack_wait_ms;
	int delay_min;
	int delay_max;
	int callback_leg;
	const char *expect_user;
	int radius_loaded; /* radius.so is in this pppd: callback may come from RADIUS */
	int number_feature_codes; /* callers may name '*' and '#' (mscb-number-feature-codes) */
	const char *user_fold;    /* how user names are compared (mscb-user-fold) */
};

/* Results of mscb_core_auth_up. */
enum mscb_auth_verdict {
	MSCB_STOCK = 0,    /* not ours: pppd continues as it would without mscb */
	MSCB_RUN_CBCP = 1, /* enter the callback phase; mscb_core_open runs the exchange */
	MSCB_REFUSE = 2    /* enter the callback phase only to close the link (reason logged) */
};

/* What plugin_init found in the running pppd (1 = there), for mscb_core_choose_hooks. */
struct mscb_pppd_facts {
	int cbcp_protent;    /* pppd built with CBCP */
	int protocol_table;  /* protocols[] */
	int spare_ecp_entry; /* an ECP entry in it with no input and no open (pppd's stub) */
	int ncp_opens_fit;   /* the table's NCP opens fit the glue's wrappers */
	int start_networks;
	int callback_script;
	int do_callback;
	int doing_callback;
	int persist;
};

/* How mscb hooks this pppd (doc/pppd-hooks.md §1, §8). */
enum mscb_hook_path {
	MSCB_HOOKS_NONE = 0,          /* cannot serve this pppd: `text` names what is missing */
	MSCB_HOOKS_CBCP_SLOT = 1,     /* CBCP compiled in: take over cbcp_protent */
	MSCB_HOOKS_PROTOCOL_TABLE = 2 /* CBCP compiled out: an entry in protocols[], NCPs held */
};

/* Decides the hook path; `text` gets the line to log, or (NONE) the refusal sentence. */
int mscb_core_choose_hooks(const struct mscb_pppd_facts *facts, const char *pppd_version, char *text,
			   size_t textlen);

/* Parse-time checks for option values: 0 = fine, else `err` says why. Syntax only: numbers
 * meet the number rules (mscb-number-*) in mscb_core_configure, once every option is in. */
int mscb_core_check_policy(const char *spec, char *err, size_t errlen);
int mscb_core_check_prefixes(const char *list, char *err, size_t errlen);
int mscb_core_check_users_file(const char *path, char *err, size_t errlen);
int mscb_core_check_user_fold(const char *spec, char *err, size_t errlen);

/* After all options: validate everything together and build the core. 0 = fine. */
int mscb_core_configure(const struct mscb_host_ops *ops, const struct mscb_settings *settings,
			char *err, size_t errlen);

/* LCP: where the CBCP callback CI is in a Configure-Request, if mscb will Ack it.
 * Returns 1 and fills offset/length, else 0 (leave the request to stock LCP). */
int mscb_core_find_callback_ci(const unsigned char *options, int len, int *offset, int *length);

/* This link iteration is a return call (pppd ran our connector). */
void mscb_core_link_started(int is_return_call);
int mscb_core_auth_up(const char *peer_name, const char *line, int peer_asked_cbcp, int pppd_pid);
void mscb_core_open(void);
void mscb_core_input(const unsigned char *packet, int len);
void mscb_core_timeout(void);
void mscb_core_protocol_reject(void);
void mscb_core_link_down(void);
/* The link is terminated (pppd's PHASE_DISCONNECT): the call is over, whatever LCP did. */
void mscb_core_link_terminated(void);
/* RADIUS Access-Accept attributes, as radius.so decoded them (radius_attributes_hook):
 * begin, one call per attribute (strings with their length), then auth-up uses them. */
void mscb_core_radius_begin(void);
void mscb_core_radius_attribute(int attribute, int vendor, unsigned int integer,
				const unsigned char *text, int len);
/* Formats a CBCP packet for pppd's debug output; always NUL-terminates `out`. */
void mscb_core_describe(const unsigned char *packet, int len, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif

#endif /* MSCB_HOST_H */
