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

#include <kernel_libnl_msg.h>

#include <errno.h>
#include <stdlib.h>
#include <dlfcn.h>
#include <malloc.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

/**
 * Build an NLMSG_ERROR message into buf as the kernel does, with optional
 * ext-ack TLVs, capped (no echoed request payload) or not.
 */
static size_t build_error(char *buf, size_t size, int error, char *text,
						  int offs, bool capped, size_t echoed)
{
	struct nlmsghdr *hdr = (struct nlmsghdr*)buf;
	struct nlmsgerr *e;
	struct nlattr *attr;
	size_t len;

	memset(buf, 0, size);
	len = NLMSG_SPACE(sizeof(*e));
	if (!capped)
	{
		len += NLMSG_ALIGN(echoed);
	}
	e = NLMSG_DATA(hdr);
	e->error = -error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + echoed;
	e->msg.nlmsg_type = XFRM_MSG_NEWSA;
	hdr->nlmsg_type = NLMSG_ERROR;
	hdr->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
	if (text || offs)
	{
		hdr->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	if (text)
	{
		attr = (struct nlattr*)(buf + len);
		attr->nla_type = NLMSGERR_ATTR_MSG;
		attr->nla_len = NLA_HDRLEN + strlen(text) + 1;
		strcpy((char*)attr + NLA_HDRLEN, text);
		len += NLA_ALIGN(attr->nla_len);
	}
	if (offs)
	{
		attr = (struct nlattr*)(buf + len);
		attr->nla_type = NLMSGERR_ATTR_OFFS;
		attr->nla_len = NLA_HDRLEN + sizeof(uint32_t);
		*(uint32_t*)((char*)attr + NLA_HDRLEN) = offs;
		len += NLA_ALIGN(attr->nla_len);
	}
	hdr->nlmsg_len = len;
	return len;
}

START_TEST(test_parse_ack)
{
	char buf[256];
	kernel_libnl_error_t err;
	size_t len;

	len = build_error(buf, sizeof(buf), 0, NULL, 0, TRUE, 0);
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len, &err));
	ck_assert_int_eq(err.error, 0);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_parse_extack_capped)
{
	char buf[256];
	kernel_libnl_error_t err;
	size_t len;

	len = build_error(buf, sizeof(buf), EINVAL,
					  "Invalid replay window for outbound SA", 20, TRUE, 64);
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len, &err));
	ck_assert_int_eq(err.error, EINVAL);
	ck_assert_str_eq(err.msg, "Invalid replay window for outbound SA");
	ck_assert_int_eq(err.offset, 20);
}
END_TEST

START_TEST(test_parse_extack_echoed)
{
	char buf[512];
	kernel_libnl_error_t err;
	size_t len;

	len = build_error(buf, sizeof(buf), ESRCH, "no such state", 0, FALSE, 100);
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len, &err));
	ck_assert_int_eq(err.error, ESRCH);
	ck_assert_str_eq(err.msg, "no such state");
}
END_TEST

START_TEST(test_parse_truncated)
{
	char buf[256];
	kernel_libnl_error_t err;
	size_t len;

	len = build_error(buf, sizeof(buf), EINVAL, "some text", 0, TRUE, 0);
	/* claimed length beyond what was received */
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len - 8, &err));
	ck_assert_int_eq(err.error, EBADMSG);
	/* TLV claiming more than there is: text ignored, no overread */
	((struct nlattr*)(buf + NLMSG_SPACE(sizeof(struct nlmsgerr))))->nla_len = 200;
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len, &err));
	ck_assert_int_eq(err.error, EINVAL);
	ck_assert_str_eq(err.msg, "");
	/* too short for struct nlmsgerr */
	((struct nlmsghdr*)buf)->nlmsg_len = NLMSG_HDRLEN + 2;
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len, &err));
	ck_assert_int_eq(err.error, EBADMSG);
}
END_TEST

START_TEST(test_parse_unterminated_text)
{
	char buf[256];
	kernel_libnl_error_t err;
	struct nlattr *attr;
	size_t len;

	len = build_error(buf, sizeof(buf), EINVAL, "abcdefgh", 0, TRUE, 0);
	attr = (struct nlattr*)(buf + NLMSG_SPACE(sizeof(struct nlmsgerr)));
	attr->nla_len = NLA_HDRLEN + 4;
	ck_assert(kernel_libnl_parse_error((struct nlmsghdr*)buf, len, &err));
	ck_assert_str_eq(err.msg, "abcd");
}
END_TEST

START_TEST(test_parse_not_error)
{
	struct nlmsghdr hdr = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_DONE,
	};
	kernel_libnl_error_t err;

	ck_assert(!kernel_libnl_parse_error(&hdr, sizeof(hdr), &err));
}
END_TEST

START_TEST(test_status_mapping)
{
	ck_assert_int_eq(kernel_libnl_status(0), SUCCESS);
	ck_assert_int_eq(kernel_libnl_status(EEXIST), ALREADY_DONE);
	ck_assert_int_eq(kernel_libnl_status(ESRCH), NOT_FOUND);
	ck_assert_int_eq(kernel_libnl_status(ENOENT), NOT_FOUND);
	ck_assert_int_eq(kernel_libnl_status(EINVAL), FAILED);
	ck_assert_int_eq(kernel_libnl_status(ENOBUFS), FAILED);
}
END_TEST

START_TEST(test_strerror)
{
	kernel_libnl_error_t err = { .error = EINVAL };
	char buf[256];

	ck_assert_str_eq(kernel_libnl_strerror(&err, buf, sizeof(buf)),
					 "Invalid argument (22)");
	strcpy(err.msg, "Unsupported mode");
	ck_assert_str_eq(kernel_libnl_strerror(&err, buf, sizeof(buf)),
					 "Invalid argument (22): Unsupported mode");
}
END_TEST

START_TEST(test_msg_no_size_limit)
{
	struct xfrm_usersa_id id = { .spi = htonl(0xc0000001) };
	struct nl_msg *msg;
	char big[3000];
	int i;

	msg = kernel_libnl_msg_alloc(XFRM_MSG_GETSA, 0, &id, sizeof(id));
	ck_assert(msg);
	/* far beyond kernel-netlink's 1024-byte request buffer */
	for (i = 0; i < 20; i++)
	{
		memset(big, i, sizeof(big));
		ck_assert(kernel_libnl_msg_put(&msg, XFRMA_REPLAY_ESN_VAL,
									   sizeof(big), big));
	}
	ck_assert_int_ge(nlmsg_hdr(msg)->nlmsg_len, 20 * sizeof(big));
	ck_assert_int_eq(nlmsg_hdr(msg)->nlmsg_type, XFRM_MSG_GETSA);
	ck_assert(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_REQUEST);
	ck_assert(memeq(nlmsg_data(nlmsg_hdr(msg)), &id, sizeof(id)));
	/* every attribute survived the growth intact */
	{
		struct nlattr *attr;
		int rem, n = 0;

		nlmsg_for_each_attr(attr, nlmsg_hdr(msg), sizeof(id), rem)
		{
			memset(big, n, sizeof(big));
			ck_assert_int_eq(nla_len(attr), sizeof(big));
			ck_assert(memeq(nla_data(attr), big, sizeof(big)));
			n++;
		}
		ck_assert_int_eq(n, 20);
	}
	kernel_libnl_msg_free(msg);
}
END_TEST

/**
 * Buffers freed through free() while the wipe test is recording: their
 * contents at the moment they are freed.
 */
static struct {
	bool active;
	int leaked;
} wipe_check;

static const char secret[] = "0123456789abcdef-secret-key-material";

/*
 * Described in tests.h
 */
void (*tests_free_hook)(void *ptr, size_t len);

/**
 * free() interposed for the wipe test: fails it if a freed block still
 * contains the secret
 */
void free(void *ptr)
{
	static void (*real_free)(void*);

	if (!real_free)
	{
		real_free = dlsym(RTLD_NEXT, "free");
	}
	if (ptr && tests_free_hook)
	{
		tests_free_hook(ptr, malloc_usable_size(ptr));
	}
	if (ptr && wipe_check.active)
	{
		size_t len = malloc_usable_size(ptr);

		if (memmem(ptr, len, secret, sizeof(secret) - 1))
		{
			wipe_check.leaked++;
		}
	}
	real_free(ptr);
}

START_TEST(test_msg_wiped)
{
	struct xfrm_usersa_info info = {};
	struct nl_msg *msg;
	char key[sizeof(secret) + 64];
	int i;

	memcpy(key, secret, sizeof(secret));
	wipe_check.active = TRUE;
	wipe_check.leaked = 0;
	msg = kernel_libnl_msg_alloc(XFRM_MSG_NEWSA, 0, &info, sizeof(info));
	ck_assert(kernel_libnl_msg_put(&msg, XFRMA_ALG_AEAD, sizeof(key), key));
	/* force the message to grow several times: old copies must be wiped */
	for (i = 0; i < 10; i++)
	{
		ck_assert(kernel_libnl_msg_put(&msg, XFRMA_ALG_CRYPT, 1000, key));
	}
	kernel_libnl_msg_free(msg);
	wipe_check.active = FALSE;
	ck_assert_int_eq(wipe_check.leaked, 0);
}
END_TEST

START_TEST(test_wipe_check_works)
{
	struct nl_msg *msg;

	/* make sure the interposed free() sees libnl's frees and detects an
	 * unwiped buffer: plain nlmsg_free() leaves the key behind */
	wipe_check.active = TRUE;
	wipe_check.leaked = 0;
	msg = nlmsg_alloc();
	ck_assert(nla_put(msg, XFRMA_ALG_AEAD, sizeof(secret), secret) == 0);
	nlmsg_free(msg);
	wipe_check.active = FALSE;
	ck_assert_int_eq(wipe_check.leaked, 1);
}
END_TEST

Suite *msg_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("msg");

	tc = tcase_create("ext-ack");
	tcase_add_test(tc, test_parse_ack);
	tcase_add_test(tc, test_parse_extack_capped);
	tcase_add_test(tc, test_parse_extack_echoed);
	tcase_add_test(tc, test_parse_truncated);
	tcase_add_test(tc, test_parse_unterminated_text);
	tcase_add_test(tc, test_parse_not_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_status_mapping);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("building");
	tcase_add_test(tc, test_msg_no_size_limit);
	tcase_add_test(tc, test_wipe_check_works);
	tcase_add_test(tc, test_msg_wiped);
	suite_add_tcase(s, tc);

	return s;
}
