/*
 * Copyright (C) 2026 kernel-libnl authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

#define _GNU_SOURCE
#include "tests.h"
#include "fake_socket.h"

#include <kernel_libnl_sa.h>
#include <kernel_libnl_xattr.h>
#include <kernel_libnl_compat.h>
#include <kernel_libnl_msg.h>

#include <string.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include <daemon.h>
#include <collections/linked_list.h>
#include <collections/array.h>
#include <stdarg.h>
#include <errno.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

/** recognisable key material */
static u_char enc_key[] = {
	0x4b,0x45,0x59,0x2d,0x45,0x4e,0x43,0x2d,0x11,0x22,0x33,0x44,0x55,0x66,
	0x77,0x88,0x99,0xaa,0xbb,0xcc,
};
static u_char int_key[] = {
	0x4b,0x45,0x59,0x2d,0x49,0x4e,0x54,0x2d,0xa1,0xa2,0xa3,0xa4,0xa5,0xa6,
	0xa7,0xa8,0xa9,0xaa,0xab,0xac,0xad,0xae,0xaf,0xb0,0xb1,0xb2,0xb3,0xb4,
	0xb5,0xb6,0xb7,0xb8,
};

static host_t *src, *dst;
static linked_list_t *src_ts, *dst_ts;
static lifetime_cfg_t lifetime = {
	.time = { .rekey = 3000, .life = 3600, },
	.bytes = { .rekey = 1000000, .life = 0, },
	.packets = { .rekey = 0, .life = 5000, },
};

static void setup()
{
	/* the plugin logs through charon's bus (daemon.h's DBG macros) */
	ck_assert(libcharon_init());
	src = host_create_from_string("192.0.2.1", 4500);
	dst = host_create_from_string("192.0.2.2", 4501);
	src_ts = linked_list_create_with_items(
				traffic_selector_create_from_cidr("198.51.100.0/24", 6, 0, 65535),
				NULL);
	dst_ts = linked_list_create_with_items(
				traffic_selector_create_from_cidr("203.0.113.7/32", 6, 80, 80),
				NULL);
}

static void teardown()
{
	src->destroy(src);
	dst->destroy(dst);
	src_ts->destroy_offset(src_ts, offsetof(traffic_selector_t, destroy));
	dst_ts->destroy_offset(dst_ts, offsetof(traffic_selector_t, destroy));
	libcharon_deinit();
}

static kernel_ipsec_sa_id_t default_id()
{
	return (kernel_ipsec_sa_id_t){
		.src = src,
		.dst = dst,
		.spi = htonl(0xc1234567),
		.proto = IPPROTO_ESP,
	};
}

static kernel_ipsec_add_sa_t default_data()
{
	return (kernel_ipsec_add_sa_t){
		.reqid = 7,
		.mode = MODE_TUNNEL,
		.src_ts = src_ts,
		.dst_ts = dst_ts,
		.lifetime = &lifetime,
		.enc_alg = ENCR_AES_GCM_ICV16,
		.enc_key = chunk_from_thing(enc_key),
		.int_alg = AUTH_UNDEFINED,
		.replay_window = 32,
		.copy_df = TRUE,
		.copy_ecn = TRUE,
		.inbound = TRUE,
#ifdef HAVE_KERNEL_IPSEC_ADD_SA_T_CPU
		.cpu = CPU_ID_MAX,
#endif
	};
}

static kernel_libnl_sa_build_t default_build()
{
	return (kernel_libnl_sa_build_t){
		.mode = MODE_TUNNEL,
		.ipcomp = IPCOMP_NONE,
	};
}

/**
 * Find an attribute in an SA message (NEWSA/UPDSA), NULL if missing
 */
static struct nlattr *find(struct nl_msg *msg, int type)
{
	struct nlattr *attr;
	int rem, hdrlen = sizeof(struct xfrm_usersa_info);

	nlmsg_for_each_attr(attr, nlmsg_hdr(msg), hdrlen, rem)
	{
		if (nla_type(attr) == type)
		{
			return attr;
		}
	}
	return NULL;
}

/**
 * Count attributes of a type
 */
static int count(struct nl_msg *msg, int type)
{
	struct nlattr *attr;
	int rem, n = 0;

	nlmsg_for_each_attr(attr, nlmsg_hdr(msg),
						sizeof(struct xfrm_usersa_info), rem)
	{
		n += nla_type(attr) == type;
	}
	return n;
}

static struct xfrm_usersa_info *info(struct nl_msg *msg)
{
	return nlmsg_data(nlmsg_hdr(msg));
}

START_TEST(test_add_aead_tunnel)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_algo_aead *aead;
	struct xfrm_usersa_info *sa;
	struct nl_msg *msg;

	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_NEWSA);
	/* without it the kernel ACKs without processing the message */
	ck_assert(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_REQUEST);
	sa = info(msg);
	ck_assert_int_eq(sa->id.spi, htonl(0xc1234567));
	ck_assert_int_eq(sa->id.proto, IPPROTO_ESP);
	ck_assert(memeq(&sa->saddr, src->get_address(src).ptr, 4));
	ck_assert(memeq(&sa->id.daddr, dst->get_address(dst).ptr, 4));
	ck_assert_int_eq(sa->family, AF_INET);
	ck_assert_int_eq(sa->mode, XFRM_MODE_TUNNEL);
	ck_assert_int_eq(sa->reqid, 7);
	ck_assert_int_eq(sa->flags, XFRM_STATE_AF_UNSPEC);
	ck_assert_int_eq(sa->replay_window, 32);
	ck_assert_int_eq(sa->seq, 0);
	/* no selector in tunnel mode */
	ck_assert_int_eq(sa->sel.family, 0);
	ck_assert_int_eq(sa->sel.prefixlen_d, 0);
	ck_assert(sa->lft.soft_add_expires_seconds == 3000);
	ck_assert(sa->lft.hard_add_expires_seconds == 3600);
	ck_assert(sa->lft.soft_byte_limit == 1000000);
	ck_assert(sa->lft.hard_byte_limit == XFRM_INF);
	ck_assert(sa->lft.soft_packet_limit == XFRM_INF);
	ck_assert(sa->lft.hard_packet_limit == 5000);

	aead = nla_data(find(msg, XFRMA_ALG_AEAD));
	ck_assert_str_eq(aead->alg_name, "rfc4106(gcm(aes))");
	ck_assert_int_eq(aead->alg_key_len, 160);
	ck_assert_int_eq(aead->alg_icv_len, 128);
	ck_assert(memeq(aead->alg_key, enc_key, sizeof(enc_key)));
	ck_assert(!find(msg, XFRMA_ALG_CRYPT));
	ck_assert(!find(msg, XFRMA_ALG_AUTH));
	ck_assert(!find(msg, XFRMA_ALG_AUTH_TRUNC));
	ck_assert(!find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert(!find(msg, XFRMA_REPLAY_VAL));
	ck_assert(!find(msg, XFRMA_ENCAP));
	ck_assert(!find(msg, XFRMA_MARK));
	ck_assert(!find(msg, XFRMA_IF_ID));
	ck_assert(!find(msg, XFRMA_SET_MARK));
	ck_assert(!find(msg, KL_XFRMA_SA_DIR));
	ck_assert(!find(msg, XFRMA_SA_EXTRA_FLAGS));
	ck_assert(!find(msg, XFRMA_TFCPAD));
	ck_assert(!find(msg, XFRMA_OFFLOAD_DEV));
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_add_cbc_integ)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_algo_auth *trunc;
	struct xfrm_algo *algo;
	struct nl_msg *msg;

	data.enc_alg = ENCR_AES_CBC;
	data.enc_key = chunk_create(enc_key, 16);
	data.int_alg = AUTH_HMAC_SHA2_256_128;
	data.int_key = chunk_from_thing(int_key);
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	algo = nla_data(find(msg, XFRMA_ALG_CRYPT));
	ck_assert_str_eq(algo->alg_name, "aes");
	ck_assert_int_eq(algo->alg_key_len, 128);
	ck_assert(memeq(algo->alg_key, enc_key, 16));
	trunc = nla_data(find(msg, XFRMA_ALG_AUTH_TRUNC));
	ck_assert_str_eq(trunc->alg_name, "hmac(sha256)");
	ck_assert_int_eq(trunc->alg_key_len, 256);
	ck_assert_int_eq(trunc->alg_trunc_len, 128);
	ck_assert(memeq(trunc->alg_key, int_key, sizeof(int_key)));
	ck_assert(!find(msg, XFRMA_ALG_AUTH));
	ck_assert(!find(msg, XFRMA_ALG_AEAD));
	kernel_libnl_msg_free(msg);

	/* kernel default truncation: XFRMA_ALG_AUTH */
	data.enc_alg = ENCR_3DES;
	data.enc_key = chunk_create(enc_key, 20);
	data.int_alg = AUTH_HMAC_SHA1_96;
	data.int_key = chunk_create(int_key, 20);
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	algo = nla_data(find(msg, XFRMA_ALG_CRYPT));
	ck_assert_str_eq(algo->alg_name, "des3_ede");
	algo = nla_data(find(msg, XFRMA_ALG_AUTH));
	ck_assert_str_eq(algo->alg_name, "sha1");
	ck_assert_int_eq(algo->alg_key_len, 160);
	ck_assert(memeq(algo->alg_key, int_key, 20));
	ck_assert(!find(msg, XFRMA_ALG_AUTH_TRUNC));
	kernel_libnl_msg_free(msg);

	/* NULL encryption has an empty key */
	data.enc_alg = ENCR_NULL;
	data.enc_key = chunk_empty;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	algo = nla_data(find(msg, XFRMA_ALG_CRYPT));
	ck_assert_str_eq(algo->alg_name, "cipher_null");
	ck_assert_int_eq(algo->alg_key_len, 0);
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_add_unknown_alg)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();

	data.enc_alg = ENCR_DES_IV64;
	ck_assert(!kernel_libnl_sa_build_add(&id, &data, &build));
	data = default_data();
	data.int_alg = AUTH_DES_MAC;
	ck_assert(!kernel_libnl_sa_build_add(&id, &data, &build));
}
END_TEST

START_TEST(test_add_outbound_flags)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct nl_msg *msg;

	data.inbound = FALSE;
	data.copy_df = FALSE;
	data.copy_ecn = FALSE;
	data.copy_dscp = DSCP_COPY_NO;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(info(msg)->flags, XFRM_STATE_AF_UNSPEC |
					 XFRM_STATE_NOECN | XFRM_STATE_NOPMTUDISC);
	ck_assert(nla_get_u32(find(msg, XFRMA_SA_EXTRA_FLAGS)) ==
			  XFRM_SA_XFLAG_DONT_ENCAP_DSCP);
	/* outbound: no replay window needed */
	ck_assert_int_eq(info(msg)->replay_window, 0);
	kernel_libnl_msg_free(msg);

	/* inbound: DECAP_DSCP; NOPMTUDISC as the targeted kernel-netlink
	 * version does (before 6.0.0 also inbound)... */
	data.inbound = TRUE;
	data.copy_dscp = DSCP_COPY_YES;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(info(msg)->flags, XFRM_STATE_AF_UNSPEC |
					 XFRM_STATE_NOECN | XFRM_STATE_DECAP_DSCP |
					 (STRONGSWAN_VERSION_NUM < 60000 ? XFRM_STATE_NOPMTUDISC : 0));
	ck_assert(!find(msg, XFRMA_SA_EXTRA_FLAGS));
	kernel_libnl_msg_free(msg);

	/* ...but never where the kernel rejects it inbound (SA directions) */
	build.sa_dir = TRUE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert_int_eq(info(msg)->flags, XFRM_STATE_AF_UNSPEC |
					 XFRM_STATE_NOECN | XFRM_STATE_DECAP_DSCP);
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_add_esn_large_window)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_replay_state_esn *esn;
	struct nl_msg *msg;

	data.esn = TRUE;
	data.replay_window = 2048;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert(info(msg)->flags & XFRM_STATE_ESN);
	ck_assert_int_eq(info(msg)->replay_window, 0);
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->replay_window, 2048);
	ck_assert_int_eq(esn->bmp_len, 64);
	ck_assert_int_eq(nla_len(find(msg, XFRMA_REPLAY_ESN_VAL)),
					 sizeof(*esn) + 64 * 4);
	kernel_libnl_msg_free(msg);

	/* outbound with ESN: window 1 on kernels without SA direction... */
	data.inbound = FALSE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->replay_window, 1);
	ck_assert_int_eq(esn->bmp_len, 1);
	kernel_libnl_msg_free(msg);

	/* ...0 with it, plus the direction */
	build.sa_dir = TRUE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->replay_window, 0);
	ck_assert_int_eq(esn->bmp_len, 0);
	ck_assert_int_eq(nla_get_u8(find(msg, KL_XFRMA_SA_DIR)),
					 KL_XFRM_SA_DIR_OUT);
	kernel_libnl_msg_free(msg);

	/* a large window without ESN also needs the bitmap attribute */
	data = default_data();
	data.replay_window = 128;
	build.sa_dir = TRUE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(!(info(msg)->flags & XFRM_STATE_ESN));
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->replay_window, 128);
	ck_assert_int_eq(esn->bmp_len, 4);
	ck_assert_int_eq(nla_get_u8(find(msg, KL_XFRMA_SA_DIR)),
					 KL_XFRM_SA_DIR_IN);
	kernel_libnl_msg_free(msg);

	/* the kernel's largest bitmap (4096 bytes) exceeds libnl's page-sized
	 * builder message: still exactly one attribute */
	data.esn = TRUE;
	data.replay_window = 32768;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(count(msg, XFRMA_REPLAY_ESN_VAL), 1);
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->replay_window, 32768);
	ck_assert_int_eq(esn->bmp_len, 1024);
	ck_assert_int_eq(nla_len(find(msg, XFRMA_REPLAY_ESN_VAL)),
					 sizeof(*esn) + 4096);
	ck_assert(find(msg, XFRMA_ALG_AEAD));
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_add_encap_marks_ifid)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_encap_tmpl *encap;
	struct xfrm_mark *mark;
	struct nl_msg *msg;

	id.mark = (mark_t){ .value = 42, .mask = 0xff };
	id.if_id = 0x1234;
	data.mark = (mark_t){ .value = 0x100, .mask = 0xf00 };
	data.encap = TRUE;
	data.tfc = 1500;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	encap = nla_data(find(msg, XFRMA_ENCAP));
	ck_assert_int_eq(encap->encap_type, UDP_ENCAP_ESPINUDP);
	ck_assert_int_eq(encap->encap_sport, htons(4500));
	ck_assert_int_eq(encap->encap_dport, htons(4501));
	mark = nla_data(find(msg, XFRMA_MARK));
	ck_assert_int_eq(mark->v, 42);
	ck_assert_int_eq(mark->m, 0xff);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_IF_ID)), 0x1234);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_SET_MARK)), 0x100);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_SET_MARK_MASK)), 0xf00);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_TFCPAD)), 1500);
	kernel_libnl_msg_free(msg);

	/* TFC only in tunnel mode */
	build.mode = MODE_TRANSPORT;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(!find(msg, XFRMA_TFCPAD));
	kernel_libnl_msg_free(msg);
}
END_TEST

/**
 * Everything libnl's builder puts into an SA at its largest (_i = 0), then
 * the ESN bitmap and the label one unit larger, appended raw (_i = 1)
 */
START_TEST(test_add_libnl_limits)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_replay_state_esn *esn;
	struct xfrm_user_sec_ctx *ctx;
	struct nl_msg *msg;
	chunk_t enc;
	char str[KL_LIBNL_MAX_LABEL + 2];

	/* the encoding includes the NUL */
	memset(str, 'c', sizeof(str));
	str[KL_LIBNL_MAX_LABEL - 1 + _i] = '\0';
	data.label = sec_label_from_string(str);
	enc = data.label->get_encoding(data.label);
	ck_assert_int_eq(enc.len, KL_LIBNL_MAX_LABEL + _i);
	id.mark = (mark_t){ .value = 42, .mask = 0xff };
	id.if_id = 0x1234;
	data.mark = (mark_t){ .value = 0x100, .mask = 0xf00 };
	data.encap = TRUE;
	data.tfc = 1500;
	data.esn = TRUE;
	data.replay_window = (KL_LIBNL_MAX_BMP_LEN + _i) * 32;
	data.enc_alg = ENCR_AES_CBC;
	data.enc_key = chunk_create(enc_key, 16);
	data.int_alg = AUTH_HMAC_SHA2_256_128;
	data.int_key = chunk_from_thing(int_key);
	build.offload_ifindex = 1;
	build.sa_dir = TRUE;

	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(count(msg, XFRMA_SEC_CTX), 1);
	ck_assert_int_eq(count(msg, XFRMA_REPLAY_ESN_VAL), 1);
	ctx = nla_data(find(msg, XFRMA_SEC_CTX));
	ck_assert_int_eq(nla_len(find(msg, XFRMA_SEC_CTX)),
					 sizeof(*ctx) + enc.len);
	ck_assert_int_eq(ctx->len, sizeof(*ctx) + enc.len);
	ck_assert_int_eq(ctx->ctx_doi, XFRM_SC_DOI_LSM);
	ck_assert_int_eq(ctx->ctx_alg, XFRM_SC_ALG_SELINUX);
	ck_assert(chunk_equals(chunk_create((u_char*)(ctx + 1), ctx->ctx_len),
						   enc));
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->bmp_len, KL_LIBNL_MAX_BMP_LEN + _i);
	ck_assert(find(msg, XFRMA_ENCAP));
	ck_assert(find(msg, XFRMA_OFFLOAD_DEV));
	ck_assert(find(msg, XFRMA_ALG_AUTH_TRUNC));
	kernel_libnl_msg_free(msg);
	data.label->destroy(data.label);
}
END_TEST

START_TEST(test_add_transport_selector)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_selector *sel;
	struct nl_msg *msg;
	u_char net[] = { 198,51,100,0 }, host[] = { 203,0,113,7 };

	data.mode = build.mode = MODE_TRANSPORT;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(info(msg)->mode, XFRM_MODE_TRANSPORT);
	ck_assert_int_eq(info(msg)->flags, 0);
	sel = &info(msg)->sel;
	ck_assert_int_eq(sel->family, AF_INET);
	ck_assert(memeq(&sel->saddr, net, 4));
	ck_assert(memeq(&sel->daddr, host, 4));
	ck_assert_int_eq(sel->prefixlen_s, 24);
	ck_assert_int_eq(sel->prefixlen_d, 32);
	/* protocol and ports stripped by default */
	ck_assert_int_eq(sel->proto, 0);
	ck_assert_int_eq(sel->dport, 0);
	ck_assert_int_eq(sel->dport_mask, 0);
	kernel_libnl_msg_free(msg);

	build.proto_port_transport = TRUE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	sel = &info(msg)->sel;
	ck_assert_int_eq(sel->proto, 6);
	ck_assert_int_eq(sel->dport, htons(80));
	ck_assert_int_eq(sel->dport_mask, 0xffff);
	kernel_libnl_msg_free(msg);

	/* BEET */
	data.mode = build.mode = MODE_BEET;
	build.proto_port_transport = FALSE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert_int_eq(info(msg)->mode, XFRM_MODE_BEET);
	ck_assert_int_eq(info(msg)->sel.prefixlen_s, 24);
	kernel_libnl_msg_free(msg);

	/* switched from tunnel for IPComp: no selector */
	data.mode = MODE_TUNNEL;
	build.mode = MODE_TRANSPORT;
	build.switched = TRUE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert_int_eq(info(msg)->mode, XFRM_MODE_TRANSPORT);
	ck_assert_int_eq(info(msg)->sel.family, 0);
	kernel_libnl_msg_free(msg);

	/* AH over IPv4 */
	id.proto = IPPROTO_AH;
	data.enc_alg = ENCR_UNDEFINED;
	data.int_alg = AUTH_HMAC_SHA2_256_128;
	data.int_key = chunk_from_thing(int_key);
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(info(msg)->flags & XFRM_STATE_ALIGN4);
	ck_assert(!find(msg, XFRMA_ALG_CRYPT));
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_add_ipcomp_update)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_algo *algo;
	struct nl_msg *msg;

	id.proto = IPPROTO_COMP;
	id.spi = htonl(0x1234);
	data.enc_alg = ENCR_UNDEFINED;
	data.mark = (mark_t){ .value = 1, .mask = 1 };
	build.ipcomp = IPCOMP_DEFLATE;
	build.update = TRUE;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_UPDSA);
	ck_assert(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_REQUEST);
	algo = nla_data(find(msg, XFRMA_ALG_COMP));
	ck_assert_str_eq(algo->alg_name, "deflate");
	ck_assert_int_eq(info(msg)->id.proto, IPPROTO_COMP);
	ck_assert_int_eq(info(msg)->id.spi, htonl(0x1234));
	/* no output mark and no replay state on the IPComp SA */
	ck_assert(!find(msg, XFRMA_SET_MARK));
	ck_assert(!find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(info(msg)->replay_window, 0);
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_add_ipv6_offload)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct xfrm_user_offload *offload;
	host_t *s6, *d6;
	struct nl_msg *msg;

	s6 = host_create_from_string("2001:db8::1", 500);
	d6 = host_create_from_string("2001:db8::2", 500);
	id.src = s6;
	id.dst = d6;
	build.offload_ifindex = 3;
	build.offload_flags = XFRM_OFFLOAD_INBOUND | XFRM_OFFLOAD_PACKET;
	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(msg);
	ck_assert_int_eq(info(msg)->family, AF_INET6);
	ck_assert(memeq(&info(msg)->id.daddr, d6->get_address(d6).ptr, 16));
	ck_assert(memeq(&info(msg)->saddr, s6->get_address(s6).ptr, 16));
	offload = nla_data(find(msg, XFRMA_OFFLOAD_DEV));
	ck_assert_int_eq(offload->ifindex, 3);
	ck_assert_int_eq(offload->flags,
					 XFRM_OFFLOAD_INBOUND | XFRM_OFFLOAD_PACKET);
	kernel_libnl_msg_free(msg);
	s6->destroy(s6);
	d6->destroy(d6);
}
END_TEST

/**
 * Blocks freed that still contained key material
 */
static int leaked;

static void leak_hook(void *ptr, size_t len)
{
	if (memmem(ptr, len, enc_key, 8) || memmem(ptr, len, int_key, 8))
	{
		leaked++;
	}
}

START_TEST(test_add_keys_wiped)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct nl_msg *msg;
	int i;

	id.mark = (mark_t){ .value = 42, .mask = 0xff };
	data.int_alg = AUTH_HMAC_SHA2_256_128;
	data.int_key = chunk_from_thing(int_key);
	data.enc_alg = ENCR_AES_CBC;
	data.enc_key = chunk_create(enc_key, 16);
	/* a large window so the message grows beyond its initial buffer */
	data.esn = TRUE;
	data.replay_window = 4096 * 8;
	data.encap = TRUE;
	data.mode = build.mode = MODE_TRANSPORT;

	leaked = 0;
	tests_free_hook = leak_hook;
	for (i = 0; i < 3; i++)
	{
		msg = kernel_libnl_sa_build_add(&id, &data, &build);
		ck_assert(msg);
		ck_assert(find(msg, XFRMA_ALG_AUTH_TRUNC));
		ck_assert(find(msg, XFRMA_ALG_CRYPT));
		kernel_libnl_msg_free(msg);
	}
	tests_free_hook = NULL;
	ck_assert_int_eq(leaked, 0);
}
END_TEST

START_TEST(test_wipe_hook_works)
{
	struct nl_msg *msg;

	leaked = 0;
	tests_free_hook = leak_hook;
	msg = nlmsg_alloc();
	nla_put(msg, XFRMA_ALG_AEAD, sizeof(enc_key), enc_key);
	nlmsg_free(msg);
	tests_free_hook = NULL;
	ck_assert_int_eq(leaked, 1);
}
END_TEST

/**
 * Build a GETSA reply as the kernel sends it, with attributes libnl does
 * not model and a large ESN bitmap
 */
static struct nl_msg *build_reply(uint8_t dir, bool encap)
{
	struct xfrm_usersa_info sa = {
		.id = {
			.spi = htonl(0xc1234567),
			.proto = IPPROTO_ESP,
		},
		.family = AF_INET,
		.mode = XFRM_MODE_TRANSPORT,
		.reqid = 7,
		.flags = XFRM_STATE_NOPMTUDISC | XFRM_STATE_ESN,
		.curlft = {
			.bytes = 123456,
			.packets = 789,
			.add_time = 1700000000,
			.use_time = 1700000001,
		},
		.sel = {
			.family = AF_INET,
			.prefixlen_s = 32,
			.prefixlen_d = 32,
		},
		.lft = {
			.soft_add_expires_seconds = 3000,
		},
	};
	struct xfrm_encap_tmpl tmpl = {
		.encap_type = UDP_ENCAP_ESPINUDP,
		.encap_sport = htons(4500),
		.encap_dport = htons(4501),
	};
	struct xfrm_replay_state_esn *esn;
	struct nl_msg *msg;
	u_char aead[sizeof(struct xfrm_algo_aead) + sizeof(enc_key)] = {};
	size_t esnlen = sizeof(*esn) + 64 * 4;
	uint64_t lastused = 1700000100;

	memcpy(&sa.saddr, src->get_address(src).ptr, 4);
	memcpy(&sa.id.daddr, dst->get_address(dst).ptr, 4);
	memcpy(&sa.sel.saddr, src->get_address(src).ptr, 4);
	memcpy(&sa.sel.daddr, dst->get_address(dst).ptr, 4);
	msg = kernel_libnl_msg_alloc(XFRM_MSG_NEWSA, 0, &sa, sizeof(sa));
	strcpy(((struct xfrm_algo_aead*)aead)->alg_name, "rfc4106(gcm(aes))");
	((struct xfrm_algo_aead*)aead)->alg_key_len = 160;
	((struct xfrm_algo_aead*)aead)->alg_icv_len = 128;
	memcpy(((struct xfrm_algo_aead*)aead)->alg_key, enc_key, sizeof(enc_key));
	ck_assert(kernel_libnl_msg_put(&msg, XFRMA_ALG_AEAD, sizeof(aead), aead));
	memwipe(aead, sizeof(aead));
	esn = calloc(1, esnlen);
	esn->bmp_len = 64;
	esn->replay_window = 2048;
	esn->seq = 5000;
	esn->oseq = 4000;
	esn->bmp[0] = 0xdeadbeef;
	ck_assert(kernel_libnl_msg_put(&msg, XFRMA_REPLAY_ESN_VAL, esnlen, esn));
	free(esn);
	if (encap)
	{
		ck_assert(kernel_libnl_msg_put(&msg, XFRMA_ENCAP, sizeof(tmpl), &tmpl));
	}
	ck_assert(kernel_libnl_xattr_sa_u32(&msg, XFRMA_SET_MARK, 0x100));
	ck_assert(kernel_libnl_xattr_sa_u32(&msg, XFRMA_SET_MARK_MASK, 0xf00));
	ck_assert(kernel_libnl_xattr_sa_u32(&msg, XFRMA_IF_ID, 99));
	ck_assert(kernel_libnl_xattr_sa_u32(&msg, XFRMA_SA_EXTRA_FLAGS, 1));
	ck_assert(kernel_libnl_msg_put(&msg, XFRMA_LASTUSED, sizeof(lastused),
								   &lastused));
	if (dir)
	{
		ck_assert(kernel_libnl_msg_put(&msg, KL_XFRMA_SA_DIR, 1, &dir));
	}
	/* an attribute from a future kernel */
	ck_assert(kernel_libnl_xattr_sa_u32(&msg, 60, 0xabcd));
	return msg;
}

START_TEST(test_copy_mobike)
{
	struct xfrm_replay_state_esn *esn;
	struct xfrm_lifetime_cur *lft;
	struct xfrm_encap_tmpl *encap;
	struct xfrm_algo_aead *aead;
	struct nl_msg *reply, *msg;
	host_t *new_src, *new_dst;
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_update_sa_t data = {
		.encap = TRUE,
		.new_encap = TRUE,
	};

	new_src = host_create_from_string("192.0.2.10", 1234);
	new_dst = host_create_from_string("192.0.2.2", 5678);
	data.new_src = new_src;
	data.new_dst = new_dst;
	reply = build_reply(KL_XFRM_SA_DIR_IN, TRUE);
	msg = kernel_libnl_sa_build_copy(nlmsg_hdr(reply), XFRM_MSG_NEWSA, &id,
									 &data);
	ck_assert(msg);
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_NEWSA);
	/* no size limit: far beyond kernel-netlink's 1024 bytes here */
	ck_assert_int_gt(nlmsg_hdr(msg)->nlmsg_len, 500);
	ck_assert(memeq(&info(msg)->saddr, new_src->get_address(new_src).ptr, 4));
	ck_assert(memeq(&info(msg)->id.daddr, dst->get_address(dst).ptr, 4));
	ck_assert(memeq(&info(msg)->sel.saddr, new_src->get_address(new_src).ptr,
					4));
	ck_assert_int_eq(info(msg)->reqid, 7);
	/* NOPMTUDISC must not be set on inbound SAs (#2946) */
	ck_assert_int_eq(info(msg)->flags, XFRM_STATE_ESN);
	ck_assert(info(msg)->lft.soft_add_expires_seconds == 3000);

	aead = nla_data(find(msg, XFRMA_ALG_AEAD));
	ck_assert(memeq(aead->alg_key, enc_key, sizeof(enc_key)));
	esn = nla_data(find(msg, XFRMA_REPLAY_ESN_VAL));
	ck_assert_int_eq(esn->replay_window, 2048);
	ck_assert_int_eq(esn->seq, 5000);
	ck_assert_int_eq(esn->oseq, 4000);
	ck_assert_int_eq(esn->bmp[0], 0xdeadbeef);
	encap = nla_data(find(msg, XFRMA_ENCAP));
	ck_assert_int_eq(encap->encap_sport, htons(1234));
	ck_assert_int_eq(encap->encap_dport, htons(5678));
	ck_assert_int_eq(count(msg, XFRMA_ENCAP), 1);
	/* what libnl-xfrm does not model survives */
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_SET_MARK)), 0x100);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_SET_MARK_MASK)), 0xf00);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_IF_ID)), 99);
	ck_assert_int_eq(nla_get_u32(find(msg, XFRMA_SA_EXTRA_FLAGS)), 1);
	ck_assert_int_eq(nla_get_u8(find(msg, KL_XFRMA_SA_DIR)),
					 KL_XFRM_SA_DIR_IN);
	ck_assert_int_eq(nla_get_u32(find(msg, 60)), 0xabcd);
	ck_assert(find(msg, XFRMA_LASTUSED));
	/* counters and add time continue */
	lft = nla_data(find(msg, XFRMA_LTIME_VAL));
	ck_assert(lft->bytes == 123456);
	ck_assert(lft->packets == 789);
	ck_assert(lft->add_time == 1700000000);
	ck_assert_int_eq(count(msg, XFRMA_LTIME_VAL), 1);
	kernel_libnl_msg_free(msg);

	/* disable encapsulation, new reqid, new destination */
	data.new_encap = FALSE;
	data.new_reqid = 8;
	data.new_dst = new_src;
	msg = kernel_libnl_sa_build_copy(nlmsg_hdr(reply), XFRM_MSG_NEWSA, &id,
									 &data);
	ck_assert(!find(msg, XFRMA_ENCAP));
	ck_assert_int_eq(info(msg)->reqid, 8);
	ck_assert(memeq(&info(msg)->id.daddr, new_src->get_address(new_src).ptr,
					4));
	ck_assert(memeq(&info(msg)->sel.daddr, new_src->get_address(new_src).ptr,
					4));
	kernel_libnl_msg_free(msg);

	/* unchanged re-creation (restore after a failed update) */
	msg = kernel_libnl_sa_build_copy(nlmsg_hdr(reply), XFRM_MSG_NEWSA, &id,
									 NULL);
	ck_assert(memeq(&info(msg)->saddr, src->get_address(src).ptr, 4));
	encap = nla_data(find(msg, XFRMA_ENCAP));
	ck_assert_int_eq(encap->encap_sport, htons(4500));
	kernel_libnl_msg_free(msg);

	kernel_libnl_msg_free(reply);
	new_src->destroy(new_src);
	new_dst->destroy(new_dst);
}
END_TEST

START_TEST(test_copy_enable_encap_outbound)
{
	struct xfrm_encap_tmpl *encap;
	struct nl_msg *reply, *msg;
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_update_sa_t data = {
		.new_src = src,
		.new_dst = dst,
		.new_encap = TRUE,
	};

	reply = build_reply(KL_XFRM_SA_DIR_OUT, FALSE);
	msg = kernel_libnl_sa_build_copy(nlmsg_hdr(reply), XFRM_MSG_UPDSA, &id,
									 &data);
	ck_assert(msg);
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_UPDSA);
	encap = nla_data(find(msg, XFRMA_ENCAP));
	ck_assert_int_eq(encap->encap_type, UDP_ENCAP_ESPINUDP);
	ck_assert_int_eq(encap->encap_sport, htons(4500));
	ck_assert_int_eq(encap->encap_dport, htons(4501));
	/* outbound keeps NOPMTUDISC */
	ck_assert(info(msg)->flags & XFRM_STATE_NOPMTUDISC);
	kernel_libnl_msg_free(msg);
	kernel_libnl_msg_free(reply);
}
END_TEST

START_TEST(test_copy_keys_wiped)
{
	struct nl_msg *reply, *msg;
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_update_sa_t data = {
		.new_src = dst,
		.new_dst = src,
		.new_encap = TRUE,
	};

	reply = build_reply(0, TRUE);
	leaked = 0;
	tests_free_hook = leak_hook;
	msg = kernel_libnl_sa_build_copy(nlmsg_hdr(reply), XFRM_MSG_NEWSA, &id,
									 &data);
	ck_assert(msg);
	kernel_libnl_msg_free(msg);
	kernel_libnl_msg_free(reply);
	tests_free_hook = NULL;
	ck_assert_int_eq(leaked, 0);
}
END_TEST

START_TEST(test_raw_requests)
{
	struct xfrm_userspi_info *spi;
	struct xfrm_usersa_flush *flush;
	struct nl_msg *msg;
	struct nlattr *attr;

	msg = kernel_libnl_xattr_sa_allocspi(src, dst, IPPROTO_ESP, 0xc0000000,
										 0xcfffffff, TRUE);
	ck_assert(msg);
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_ALLOCSPI);
	spi = nlmsg_data(nlmsg_hdr(msg));
	ck_assert_int_eq(spi->min, 0xc0000000);
	ck_assert_int_eq(spi->max, 0xcfffffff);
	ck_assert_int_eq(spi->info.id.proto, IPPROTO_ESP);
	ck_assert_int_eq(spi->info.family, AF_INET);
	ck_assert(memeq(&spi->info.id.daddr, dst->get_address(dst).ptr, 4));
	attr = nlmsg_find_attr(nlmsg_hdr(msg), sizeof(*spi), KL_XFRMA_SA_DIR);
	ck_assert(attr);
	ck_assert_int_eq(nla_get_u8(attr), KL_XFRM_SA_DIR_IN);
	kernel_libnl_msg_free(msg);

	msg = kernel_libnl_xattr_sa_allocspi(src, dst, IPPROTO_COMP, 0x100,
										 0xefff, FALSE);
	ck_assert(!nlmsg_find_attr(nlmsg_hdr(msg), sizeof(*spi), KL_XFRMA_SA_DIR));
	kernel_libnl_msg_free(msg);

	msg = kernel_libnl_xattr_sa_flush(IPPROTO_AH);
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_FLUSHSA);
	flush = nlmsg_data(nlmsg_hdr(msg));
	ck_assert_int_eq(flush->proto, IPPROTO_AH);
	kernel_libnl_msg_free(msg);
}
END_TEST

START_TEST(test_acquire_seq)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_libnl_sa_build_t build = default_build();
	struct nl_msg *msg;

	msg = kernel_libnl_sa_build_add(&id, &data, &build);
	ck_assert(kernel_libnl_xattr_sa_seq(msg, 0x4711));
	ck_assert_int_eq(info(msg)->seq, 0x4711);
	kernel_libnl_msg_free(msg);
}
END_TEST

static fake_socket_t *fake;
static kernel_libnl_registry_t *registry;
static kernel_libnl_sa_t *sas;

/**
 * Let the fake answer GETSA/ALLOCSPI with a copy of msg (freed)
 */
static void set_reply(struct nl_msg *msg)
{
	fake_socket_reply(fake, nlmsg_hdr(msg));
	kernel_libnl_msg_free(msg);
}

static void fake_setup()
{
	setup();
	fake = fake_socket_create();
	fake->reply_to[0] = XFRM_MSG_GETSA;
	fake->reply_to[1] = XFRM_MSG_ALLOCSPI;
	registry = kernel_libnl_registry_create();
	sas = kernel_libnl_sa_create(&fake->public, registry);
	/* forget the feature probes */
	fake_socket_forget(fake);
}

static void fake_teardown()
{
	sas->destroy(sas);
	registry->destroy(registry);
	fake_socket_destroy(fake);
	teardown();
}

static struct nlmsghdr *sent(int i)
{
	return fake_socket_sent(fake, i);
}

static void assert_sent(int count, ...)
{
	va_list args;
	int i;

	ck_assert_int_eq(array_count(fake->sent), count);
	va_start(args, count);
	for (i = 0; i < count; i++)
	{
		/* NLM_F_REQUEST is the socket layer's job, not checked here */
		ck_assert_int_eq(sent(i)->nlmsg_type, va_arg(args, int));
	}
	va_end(args);
}

static struct xfrm_usersa_info *sent_info(int i)
{
	return NLMSG_DATA(sent(i));
}

START_TEST(test_fake_add_allocated_gone)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();

	data.update = TRUE;
	fake->errors[0] = ESRCH;
	ck_assert_int_eq(sas->add_sa(sas, &id, &data), SUCCESS);
	/* UPDSA for the allocated SPI, NEWSA when it is gone */
	assert_sent(2, XFRM_MSG_UPDSA, XFRM_MSG_NEWSA);
	ck_assert_int_eq(registry->get_count(registry), 1);

	fake->errors[0] = EINVAL;
	data.update = FALSE;
	id.spi = htonl(0xc0000002);
	ck_assert_int_eq(sas->add_sa(sas, &id, &data), FAILED);
	ck_assert_int_eq(registry->get_count(registry), 1);
}
END_TEST

START_TEST(test_fake_add_ipcomp)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t data = default_data();
	kernel_ipsec_del_sa_t del = { .cpi = htons(0x1234) };

	data.ipcomp = IPCOMP_DEFLATE;
	data.cpi = htons(0x1234);
	ck_assert_int_eq(sas->add_sa(sas, &id, &data), SUCCESS);
	assert_sent(2, XFRM_MSG_NEWSA, XFRM_MSG_NEWSA);
	/* the IPComp SA first, in tunnel mode */
	ck_assert_int_eq(sent_info(0)->id.proto, IPPROTO_COMP);
	ck_assert_int_eq(sent_info(0)->id.spi, htonl(0x1234));
	ck_assert_int_eq(sent_info(0)->mode, XFRM_MODE_TUNNEL);
	/* then ESP in transport mode without selector */
	ck_assert_int_eq(sent_info(1)->id.proto, IPPROTO_ESP);
	ck_assert_int_eq(sent_info(1)->mode, XFRM_MODE_TRANSPORT);
	ck_assert_int_eq(sent_info(1)->sel.family, 0);
	/* only the ESP SA is recorded for expires */
	ck_assert_int_eq(registry->get_count(registry), 1);

	ck_assert_int_eq(sas->del_sa(sas, &id, &del), SUCCESS);
	assert_sent(4, XFRM_MSG_NEWSA, XFRM_MSG_NEWSA, XFRM_MSG_DELSA,
				XFRM_MSG_DELSA);
	ck_assert_int_eq(((struct xfrm_usersa_id*)NLMSG_DATA(sent(2)))->proto,
					 IPPROTO_COMP);
	ck_assert_int_eq(((struct xfrm_usersa_id*)NLMSG_DATA(sent(3)))->proto,
					 IPPROTO_ESP);
	ck_assert_int_eq(registry->get_count(registry), 0);
}
END_TEST

START_TEST(test_fake_query)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_query_sa_t query = {};
	uint64_t bytes, packets;
	time_t use;

	id.mark = (mark_t){ .value = 0, .mask = 0xff };
	set_reply(build_reply(0, FALSE));
	ck_assert_int_eq(sas->query_sa(sas, &id, &query, &bytes, &packets, &use),
					 SUCCESS);
	ck_assert(bytes == 123456);
	ck_assert(packets == 789);
	assert_sent(1, XFRM_MSG_GETSA);
	/* the mark goes along even if value & mask is 0 (unlike libnl's) */
	ck_assert(nlmsg_find_attr(sent(0), sizeof(struct xfrm_usersa_id),
							  XFRMA_MARK));

	fake->errors[0] = ESRCH;
	ck_assert_int_eq(sas->query_sa(sas, &id, &query, &bytes, &packets, &use),
					 FAILED);
}
END_TEST

START_TEST(test_fake_update_ports)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_update_sa_t data = {
		.encap = TRUE,
		.new_encap = TRUE,
	};
	host_t *new_src;

	/* NAT port change: UPDSA in place, nothing deleted */
	new_src = host_create_from_string("192.0.2.1", 1234);
	data.new_src = new_src;
	data.new_dst = dst;
	set_reply(build_reply(0, TRUE));
	ck_assert_int_eq(sas->update_sa(sas, &id, &data), SUCCESS);
	assert_sent(2, XFRM_MSG_GETSA, XFRM_MSG_UPDSA);
	new_src->destroy(new_src);
}
END_TEST

START_TEST(test_fake_update_dst)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_add_sa_t add = default_data();
	kernel_ipsec_update_sa_t data = {
		.new_src = src,
	};
	kernel_libnl_sa_record_t *record;
	enumerator_t *enumerator;
	host_t *new_dst;

	ck_assert_int_eq(sas->add_sa(sas, &id, &add), SUCCESS);
	/* new destination: the new SA first, then the old one deleted */
	new_dst = host_create_from_string("192.0.2.20", 4500);
	data.new_dst = new_dst;
	set_reply(build_reply(0, FALSE));
	ck_assert_int_eq(sas->update_sa(sas, &id, &data), SUCCESS);
	assert_sent(4, XFRM_MSG_NEWSA, XFRM_MSG_GETSA, XFRM_MSG_NEWSA,
				XFRM_MSG_DELSA);
	ck_assert(memeq(&sent_info(2)->id.daddr,
					new_dst->get_address(new_dst).ptr, 4));
	ck_assert(memeq(&((struct xfrm_usersa_id*)NLMSG_DATA(sent(3)))->daddr,
					dst->get_address(dst).ptr, 4));
	/* the record moved along */
	ck_assert_int_eq(registry->get_count(registry), 1);
	enumerator = registry->create_enumerator(registry);
	ck_assert(enumerator->enumerate(enumerator, &record));
	ck_assert(record->dst->ip_equals(record->dst, new_dst));
	enumerator->destroy(enumerator);
	new_dst->destroy(new_dst);
}
END_TEST

START_TEST(test_fake_update_src_restore)
{
	kernel_ipsec_sa_id_t id = default_id();
	kernel_ipsec_update_sa_t data = {
		.new_dst = dst,
	};
	host_t *new_src;

	new_src = host_create_from_string("192.0.2.30", 4500);
	data.new_src = new_src;
	set_reply(build_reply(0, FALSE));

	/* same SA ID: delete, then add */
	ck_assert_int_eq(sas->update_sa(sas, &id, &data), SUCCESS);
	assert_sent(3, XFRM_MSG_GETSA, XFRM_MSG_DELSA, XFRM_MSG_NEWSA);
	ck_assert(memeq(&sent_info(2)->saddr, new_src->get_address(new_src).ptr,
					4));

	/* the kernel refuses the new SA: the old one is reinstalled */
	fake_socket_forget(fake);
	fake->errors[2] = EINVAL;
	ck_assert_int_eq(sas->update_sa(sas, &id, &data), FAILED);
	assert_sent(4, XFRM_MSG_GETSA, XFRM_MSG_DELSA, XFRM_MSG_NEWSA,
				XFRM_MSG_NEWSA);
	ck_assert(memeq(&sent_info(3)->saddr, src->get_address(src).ptr, 4));
	new_src->destroy(new_src);
}
END_TEST

START_TEST(test_fake_spi)
{
	struct xfrm_usersa_info info = {
		.id = {
			.spi = htonl(0xc0001234),
			.proto = IPPROTO_COMP,
		},
	};
	uint32_t spi;
	uint16_t cpi;

	set_reply(kernel_libnl_msg_alloc(XFRM_MSG_NEWSA, 0, &info,
										 sizeof(info)));
	ck_assert_int_eq(sas->get_spi(sas, src, dst, IPPROTO_ESP, &spi), SUCCESS);
	ck_assert_int_eq(spi, htonl(0xc0001234));
	ck_assert_int_eq(sas->get_cpi(sas, src, dst, &cpi), SUCCESS);
	ck_assert_int_eq(cpi, htons(0x1234));
	assert_sent(2, XFRM_MSG_ALLOCSPI, XFRM_MSG_ALLOCSPI);
	ck_assert_int_eq(((struct xfrm_userspi_info*)NLMSG_DATA(sent(1)))->min,
					 0x100);
	ck_assert_int_eq(((struct xfrm_userspi_info*)NLMSG_DATA(sent(1)))->max,
					 0xefff);
	fake->errors[0] = ENOENT;
	ck_assert_int_eq(sas->get_spi(sas, src, dst, IPPROTO_ESP, &spi), FAILED);
}
END_TEST

START_TEST(test_fake_flush)
{
	ck_assert_int_eq(sas->flush_sas(sas), SUCCESS);
	assert_sent(3, XFRM_MSG_FLUSHSA, XFRM_MSG_FLUSHSA, XFRM_MSG_FLUSHSA);
}
END_TEST

Suite *sa_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("sa");

	tc = tcase_create("add_sa");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_aead_tunnel);
	tcase_add_test(tc, test_add_cbc_integ);
	tcase_add_test(tc, test_add_unknown_alg);
	tcase_add_test(tc, test_add_outbound_flags);
	tcase_add_test(tc, test_add_esn_large_window);
	tcase_add_test(tc, test_add_encap_marks_ifid);
	tcase_add_loop_test(tc, test_add_libnl_limits, 0, 2);
	tcase_add_test(tc, test_add_transport_selector);
	tcase_add_test(tc, test_add_ipcomp_update);
	tcase_add_test(tc, test_add_ipv6_offload);
	tcase_add_test(tc, test_acquire_seq);
	suite_add_tcase(s, tc);

	tc = tcase_create("update_sa copy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_copy_mobike);
	tcase_add_test(tc, test_copy_enable_encap_outbound);
	suite_add_tcase(s, tc);

	tc = tcase_create("raw requests");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_raw_requests);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, fake_setup, fake_teardown);
	tcase_add_test(tc, test_fake_add_allocated_gone);
	tcase_add_test(tc, test_fake_add_ipcomp);
	tcase_add_test(tc, test_fake_query);
	tcase_add_test(tc, test_fake_update_ports);
	tcase_add_test(tc, test_fake_update_dst);
	tcase_add_test(tc, test_fake_update_src_restore);
	tcase_add_test(tc, test_fake_spi);
	tcase_add_test(tc, test_fake_flush);
	suite_add_tcase(s, tc);

	tc = tcase_create("key hygiene");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wipe_hook_works);
	tcase_add_test(tc, test_add_keys_wiped);
	tcase_add_test(tc, test_copy_keys_wiped);
	suite_add_tcase(s, tc);

	return s;
}
