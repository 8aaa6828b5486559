/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lcp_probe.c - a test-only pppd plugin, loaded after mscb.so into the REAL pppd binary.
 * pppd runs plugin_init while parsing options, before it needs /dev/ppp, so
 * this runs real pppd code on a machine without kernel PPP: it asks stock LCP's reqci for its
 * verdict on each vector, lets pppd's own check_options step install mscb (as main.c:474
 * does), asks again, and compares both with the expected bytes. Prints PASS/FAIL lines and
 * exits 0 only if every vector matches.
 * CBCP is found the way get_input finds it (main.c:1196 (2.5.2)): the first enabled entry of
 * pppd's protocols[] for 0xc029, pppd's own cbcp_protent or mscb's entry in a pppd without CBCP.
 * Mode "exchange" then runs pppd's real network_phase (auth_peer_success, auth.c) and a CBCP
 * "no callback" exchange through that entry, watching every packet pppd sends
 * (snoop_send_hook): a Request, no NCP packet, the Ack, and only then the NCPs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <stdarg.h>

#if MSCB_PPPD_25
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#define PROBE_VERSION PPPD_VERSION
#else
#include "pppd.h"
#include "fsm.h"
#include "lcp.h"
#include "patchlevel.h"
#define PROBE_VERSION VERSION
#endif

__attribute__((visibility("default"))) char pppd_version[] = PROBE_VERSION;

#define PROBE_CBCP 0xc029
#ifndef PPP_PAP
#define PPP_PAP 0xc023
#endif

struct vector {
	const char *name;
	const char *request;     /* LCP ConfReq options, hex */
	const char *stock;       /* expected stock verdict: "ACK|NAK|REJ hex" */
	const char *with_mscb;   /* expected verdict with mscb installed */
};

/* Expected answers: stock pppd's own verdicts on these vectors, and RFC 1661 (REJ beats NAK). */
static const struct vector vectors[] = {
	{ "ms-sample-request", "02 06 ff ff ff ff 05 06 11 33 51 5b 07 02 08 02 0d 03 06",
	  "REJ 0d 03 06", "ACK 02 06 ff ff ff ff 05 06 11 33 51 5b 07 02 08 02 0d 03 06" },
	{ "seed-windows-request", "02 06 00 0a 00 00 05 06 00 4a 4a 09 07 02 08 02 0d 03 06",
	  "REJ 0d 03 06", "ACK 02 06 00 0a 00 00 05 06 00 4a 4a 09 07 02 08 02 0d 03 06" },
	{ "callback-first", "0d 03 06 05 06 12 34 56 78",
	  "REJ 0d 03 06", "ACK 0d 03 06 05 06 12 34 56 78" },
	{ "callback-with-message", "0d 05 06 41 42 05 06 12 34 56 78",
	  "REJ 0d 05 06 41 42", "ACK 0d 05 06 41 42 05 06 12 34 56 78" },
	{ "op6-and-unknown-option", "63 02 0d 03 06", "REJ 63 02 0d 03 06", "REJ 63 02" },
	{ "op0-stays-rejected", "0d 03 00", "REJ 0d 03 00", "REJ 0d 03 00" },
	{ "op3-stays-rejected", "05 06 12 34 56 78 0d 03 03", "REJ 0d 03 03", "REJ 0d 03 03" },
	{ "small-mru-and-op6", "01 04 00 40 0d 03 06", "REJ 0d 03 06", "NAK 01 04 00 80" },
	{ "no-callback-unchanged", "01 04 05 dc 05 06 12 34 56 78", "ACK 01 04 05 dc 05 06 12 34 56 78",
	  "ACK 01 04 05 dc 05 06 12 34 56 78" },
	{ "malformed-list-untouched", "0d 03 06 05 09 12", NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

static int parse_hex(const char *text, u_char *out, int max)
{
	int n = 0;
	while (*text && n < max) {
		char *end;
		unsigned long v = strtoul(text, &end, 16);
		if (end == text)
			break;
		out[n++] = (u_char)v;
		text = end;
	}
	return n;
}

static const char *code_name(int code)
{
	return code == CONFACK ? "ACK" : code == CONFNAK ? "NAK" : code == CONFREJ ? "REJ" : "???";
}

static void verdict(const char *request, char *out, size_t outlen)
{
	u_char buf[256];
	int len = parse_hex(request, buf, sizeof buf);
	int code = lcp_fsm[0].callbacks->reqci(&lcp_fsm[0], buf, &len, 0);
	size_t used = (size_t)snprintf(out, outlen, "%s", code_name(code));
	for (int i = 0; i < len && used + 4 < outlen; ++i)
		used += (size_t)snprintf(out + used, outlen - used, " %02x", buf[i]);
}

static int failures;

static void check(const char *name, const char *phase, const char *got, const char *want)
{
	if (!want) {
		printf("INFO %s %s: %s\n", name, phase, got);
		return;
	}
	if (strcmp(got, want) == 0) {
		printf("PASS %s %s: %s\n", name, phase, got);
	} else {
		printf("FAIL %s %s: got '%s', want '%s'\n", name, phase, got, want);
		++failures;
	}
}

static char printed[600];
static void collect(void *arg, char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(printed);
	(void)arg;
	va_start(ap, fmt);
	vsnprintf(printed + used, sizeof printed - used, fmt, ap);
	va_end(ap);
}

static void check_printer(struct protent *cbcp, const char *name, const char *packet, const char *want)
{
	u_char buf[256];
	int len = parse_hex(packet, buf, sizeof buf);
	printed[0] = 0;
	cbcp->printpkt(buf, len, collect, NULL);
	if (strstr(printed, want)) {
		printf("PASS printer %s: %s\n", name, printed);
	} else {
		printf("FAIL printer %s: got '%s', want '%s'\n", name, printed, want);
		++failures;
	}
}

/* What get_input would hand a 0xc029 packet to (main.c:1196 (2.5.2)); NULL: Protocol-Reject. */
static struct protent *cbcp_dispatch(void)
{
	struct protent *p;
	int i;
	for (i = 0; (p = protocols[i]) != NULL; ++i)
		if (p->protocol == PROBE_CBCP && p->enabled_flag)
			return p;
	return NULL;
}

static struct protent *cbcp_entry(void)
{
	struct protent *p;
	int i;
	for (i = 0; (p = protocols[i]) != NULL; ++i)
		if (p->protocol == PROBE_CBCP)
			return p;
	return NULL;
}

/* Every packet pppd sends, as output() shows it to snoop_send_hook: protocol, code, id. */
static struct sent { int protocol, code, id; } sent[64];
static int nsent;
static void on_send(unsigned char *p, int len)
{
	if (len < 6 || nsent >= (int)(sizeof sent / sizeof sent[0]))
		return;
	sent[nsent].protocol = (p[2] << 8) | p[3];
	sent[nsent].code = p[4];
	sent[nsent].id = p[5];
	++nsent;
}

static int first_sent(int protocol, int code, int from)
{
	for (int i = from; i < nsent; ++i)
		if (sent[i].protocol == protocol && (code < 0 || sent[i].code == code))
			return i;
	return -1;
}

static int first_ncp(int from)
{
	for (int i = from; i < nsent; ++i)
		if (sent[i].protocol < 0xc000)
			return i;
	return -1;
}

static void expect(int ok, const char *what)
{
	printf("%s exchange: %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		++failures;
}

/* The callback phase as pppd runs it: LCP is up (link_established: every enabled protocol's
 * lowerup, auth.c:834 (2.5.2)), the peer authenticates, network_phase runs; then the caller
 * answers the Request with "no callback". */
static void run_exchange(void)
{
	static unsigned char response[] = { 2, 0, 0, 6, 1, 2 }; /* Response, no-callback (MS-CBCP §2.3) */
	struct protent *p, *dispatch;
	int i, request, ack, ncp;

	{
		char out[600];
		verdict(vectors[0].request, out, sizeof out);
	}
	/* lcp_up sets the peer's MRU (lcp.c); fsm_sdata cuts packets to it. */
	int *peer_mru = dlsym(RTLD_DEFAULT, "peer_mru");
	expect(peer_mru != NULL, "pppd exports peer_mru");
	if (!peer_mru)
		return;
	peer_mru[0] = 1500;
	for (i = 0; (p = protocols[i]) != NULL; ++i)
		if (p->protocol != 0xc021 && p->enabled_flag && p->lowerup != NULL)
			p->lowerup(0);
	/* Private in 2.5 (pppd-private.h), exported all the same. */
	void (*peer_success)(int, int, int, char *, int) =
		(void (*)(int, int, int, char *, int))dlsym(RTLD_DEFAULT, "auth_peer_success");
	expect(peer_success != NULL, "pppd exports auth_peer_success");
	if (!peer_success)
		return;
	snoop_send_hook = on_send;
	peer_success(0, PPP_PAP, 0, "alice", 5);

	request = first_sent(PROBE_CBCP, 1, 0);
	expect(request >= 0, "CBCP Request sent after authentication");
	expect(first_ncp(0) < 0, "no NCP packet while the exchange runs");
	if (request < 0)
		return;
	dispatch = cbcp_dispatch();
	expect(dispatch != NULL, "0xc029 has an enabled entry in protocols[] (no Protocol-Reject)");
	if (!dispatch)
		return;
	response[1] = (unsigned char)sent[request].id;
	dispatch->input(0, response, sizeof response);
	ack = first_sent(PROBE_CBCP, 3, request);
	ncp = first_ncp(0);
	expect(ack >= 0 && sent[ack].id == sent[request].id, "CBCP Ack with the Response's id");
	expect(ncp > ack, "NCPs start only after the Ack");
	for (i = 0; i < nsent; ++i)
		printf("INFO sent %d: protocol 0x%04x code %d id %d\n", i, sent[i].protocol, sent[i].code, sent[i].id);
}

static void spoiled_datainput(int unit, u_char *packet, int len)
{
	(void)unit;
	(void)packet;
	(void)len;
}

__attribute__((visibility("default"))) void plugin_init(void)
{
	const char *mode = getenv("MSCB_PROBE_MODE"); /* "normal" | "stock-only" | "exchange" */
	struct protent *cbcp = cbcp_entry();
	char got[600];
	static char stock[16][600];
	int i;
	int stock_only = mode && strcmp(mode, "stock-only") == 0;
	int exchange = mode && strcmp(mode, "exchange") == 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mode && strcmp(mode, "spoil-ecp") == 0) {
		/* Loaded BEFORE mscb.so: make ECP look implemented, so a pppd without CBCP has no
		 * entry mscb can use; mscb must then refuse at load (refuses.sh). */
		struct protent *p;
		for (i = 0; (p = protocols[i]) != NULL; ++i)
			if (p->protocol == 0x8053)
				p->datainput = spoiled_datainput;
		printf("INFO ECP entry spoiled\n");
		return;
	}
	printf("INFO pppd %s has %s\n", PROBE_VERSION,
	       dlsym(RTLD_DEFAULT, "cbcp_protent") ? "cbcp_protent (CBCP compiled in)" : "no cbcp_protent (CBCP compiled out)");
	if (!cbcp) {
		printf("FAIL no 0xc029 entry in this pppd's protocols[]\n");
		exit(1);
	}
	for (i = 0; vectors[i].name; ++i) {
		verdict(vectors[i].request, stock[i], sizeof stock[i]);
		check(vectors[i].name, "stock", stock[i], vectors[i].stock);
	}
	/* What pppd does after parsing all options (main.c:474 (2.5.2)): mscb configures here. */
	if (cbcp->check_options)
		cbcp->check_options();
	for (i = 0; vectors[i].name; ++i) {
		const char *want = stock_only || !vectors[i].with_mscb ? stock[i] : vectors[i].with_mscb;
		verdict(vectors[i].request, got, sizeof got);
		check(vectors[i].name, stock_only ? "mscb-declines" : "mscb", got, want);
		/* An Ack of op 6 must leave the caller's wish recorded for the auth-up step. */
		if (!stock_only && (int)lcp_hisoptions[0].neg_cbcp != (strncmp(want, "ACK 0d", 6) == 0 ||
						       strstr(want, "ACK") && strstr(want, " 0d 03 06"))) {
			printf("FAIL %s: lcp_hisoptions[0].neg_cbcp is %d\n", vectors[i].name,
			       (int)lcp_hisoptions[0].neg_cbcp);
			++failures;
		}
	}
	if (!stock_only) {
		if (cbcp_dispatch() == NULL) {
			printf("FAIL no enabled 0xc029 entry: pppd would Protocol-Reject CBCP\n");
			++failures;
		}
		check_printer(cbcp, "request", "01 01 00 0e 01 02 03 03 00 02 05 00 01 00",
			      "Request id=1 [no-callback] [admin delay=0] [user delay=0 number=\"\"]");
		check_printer(cbcp, "seed-response", "02 19 00 11 02 0d 0f 01 35 32 37 2d 39 36 35 31 00",
			      "Response id=25 [user delay=15 number=\"527-9651\"]");
		check_printer(cbcp, "malformed", "02 01 00 20 01 02", "exceeds");
		check_printer(cbcp, "hostile-bytes", "02 01 00 0c 02 08 0c 01 35 0d 35 00", "non-printable");
	}
	if (exchange)
		run_exchange();
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
	exit(failures ? 1 : 0);
}
