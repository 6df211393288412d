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

#include "tests.h"

#include <kernel_libnl_algs.h>

#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>
#include <ipsec/ipsec_types.h>

static struct {
	uint16_t alg;
	const char *name;
	u_int icv;
} encr_tests[] = {
	{ ENCR_AES_CBC,				"aes",					0	},
	{ ENCR_3DES,				"des3_ede",				0	},
	{ ENCR_NULL,				"cipher_null",			0	},
	{ ENCR_AES_CTR,				"rfc3686(ctr(aes))",	0	},
	{ ENCR_CAMELLIA_CBC,		"cbc(camellia)",		0	},
	{ ENCR_AES_GCM_ICV8,		"rfc4106(gcm(aes))",	64	},
	{ ENCR_AES_GCM_ICV12,		"rfc4106(gcm(aes))",	96	},
	{ ENCR_AES_GCM_ICV16,		"rfc4106(gcm(aes))",	128	},
	{ ENCR_AES_CCM_ICV8,		"rfc4309(ccm(aes))",	64	},
	{ ENCR_AES_CCM_ICV12,		"rfc4309(ccm(aes))",	96	},
	{ ENCR_AES_CCM_ICV16,		"rfc4309(ccm(aes))",	128	},
	{ ENCR_NULL_AUTH_AES_GMAC,	"rfc4543(gcm(aes))",	128	},
	{ ENCR_CHACHA20_POLY1305,	"rfc7539esp(chacha20,poly1305)", 128 },
};

START_TEST(test_encr)
{
	u_int icv = 42;

	ck_assert_str_eq(kernel_libnl_alg_encr(encr_tests[_i].alg, &icv),
					 encr_tests[_i].name);
	ck_assert_int_eq(icv, encr_tests[_i].icv);
}
END_TEST

static struct {
	uint16_t alg;
	const char *name;
	u_int trunc;
} integ_tests[] = {
	{ AUTH_HMAC_MD5_96,			"md5",			0	},
	{ AUTH_HMAC_MD5_128,		"hmac(md5)",	128	},
	{ AUTH_HMAC_SHA1_96,		"sha1",			0	},
	{ AUTH_HMAC_SHA1_160,		"hmac(sha1)",	160	},
	{ AUTH_HMAC_SHA2_256_96,	"sha256",		0	},
	{ AUTH_HMAC_SHA2_256_128,	"hmac(sha256)",	128	},
	{ AUTH_HMAC_SHA2_256_256,	"hmac(sha256)",	256	},
	{ AUTH_HMAC_SHA2_384_192,	"hmac(sha384)",	0	},
	{ AUTH_HMAC_SHA2_384_384,	"hmac(sha384)",	384	},
	{ AUTH_HMAC_SHA2_512_256,	"hmac(sha512)",	0	},
	{ AUTH_HMAC_SHA2_512_512,	"hmac(sha512)",	512	},
	{ AUTH_AES_XCBC_96,			"xcbc(aes)",	0	},
	{ AUTH_AES_CMAC_96,			"cmac(aes)",	0	},
};

START_TEST(test_integ)
{
	u_int trunc = 42;

	ck_assert_str_eq(kernel_libnl_alg_integ(integ_tests[_i].alg, &trunc),
					 integ_tests[_i].name);
	ck_assert_int_eq(trunc, integ_tests[_i].trunc);
}
END_TEST

START_TEST(test_comp)
{
	ck_assert_str_eq(kernel_libnl_alg_comp(IPCOMP_DEFLATE), "deflate");
	ck_assert_str_eq(kernel_libnl_alg_comp(IPCOMP_LZS), "lzs");
	ck_assert_str_eq(kernel_libnl_alg_comp(IPCOMP_LZJH), "lzjh");
}
END_TEST

START_TEST(test_unknown)
{
	u_int bits;

	/* no built-in name and no plugin registered one */
	ck_assert(kernel_libnl_alg_encr(ENCR_DES_IV64, &bits) == NULL);
	ck_assert(kernel_libnl_alg_encr(ENCR_CAMELLIA_CCM_ICV8, &bits) == NULL);
	ck_assert_int_eq(bits, 64);
	ck_assert(kernel_libnl_alg_integ(AUTH_DES_MAC, &bits) == NULL);
	ck_assert_int_eq(bits, 0);
	ck_assert(kernel_libnl_alg_comp(IPCOMP_OUI) == NULL);
}
END_TEST

Suite *algs_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("algs");

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_encr, 0, countof(encr_tests));
	tcase_add_loop_test(tc, test_integ, 0, countof(integ_tests));
	tcase_add_test(tc, test_comp);
	tcase_add_test(tc, test_unknown);
	suite_add_tcase(s, tc);

	return s;
}
