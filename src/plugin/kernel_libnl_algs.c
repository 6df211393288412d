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

#include "kernel_libnl_algs.h"

#include <daemon.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>
#include <ipsec/ipsec_types.h>

/**
 * Mapping of an IKE transform ID to a kernel algorithm
 */
typedef struct {
	/** IKE transform ID */
	uint16_t ikev2;
	/** Linux crypto API name */
	const char *name;
	/** ICV length (AEAD) or explicit truncation (integrity) in bits */
	u_int bits;
} kernel_alg_t;

/**
 * Encryption and AEAD algorithms (kernel-netlink's names)
 */
static const kernel_alg_t encr_algs[] = {
	{ ENCR_DES,					"des",					0	},
	{ ENCR_3DES,				"des3_ede",				0	},
	{ ENCR_CAST,				"cast5",				0	},
	{ ENCR_BLOWFISH,			"blowfish",				0	},
	{ ENCR_NULL,				"cipher_null",			0	},
	{ ENCR_AES_CBC,				"aes",					0	},
	{ ENCR_AES_CTR,				"rfc3686(ctr(aes))",	0	},
	{ ENCR_AES_CCM_ICV8,		"rfc4309(ccm(aes))",	64	},
	{ ENCR_AES_CCM_ICV12,		"rfc4309(ccm(aes))",	96	},
	{ ENCR_AES_CCM_ICV16,		"rfc4309(ccm(aes))",	128	},
	{ ENCR_AES_GCM_ICV8,		"rfc4106(gcm(aes))",	64	},
	{ ENCR_AES_GCM_ICV12,		"rfc4106(gcm(aes))",	96	},
	{ ENCR_AES_GCM_ICV16,		"rfc4106(gcm(aes))",	128	},
	{ ENCR_NULL_AUTH_AES_GMAC,	"rfc4543(gcm(aes))",	128	},
	{ ENCR_CAMELLIA_CBC,		"cbc(camellia)",		0	},
	{ ENCR_SERPENT_CBC,			"serpent",				0	},
	{ ENCR_TWOFISH_CBC,			"twofish",				0	},
	{ ENCR_CHACHA20_POLY1305,	"rfc7539esp(chacha20,poly1305)", 128 },
};

/**
 * Integrity algorithms; bits != 0 needs XFRMA_ALG_AUTH_TRUNC because the
 * kernel's default truncation differs (e.g. 96 bits for sha256)
 */
static const kernel_alg_t integ_algs[] = {
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

/**
 * IPComp algorithms
 */
static const kernel_alg_t comp_algs[] = {
	{ IPCOMP_DEFLATE,			"deflate",		0	},
	{ IPCOMP_LZS,				"lzs",			0	},
	{ IPCOMP_LZJH,				"lzjh",			0	},
};

/**
 * Find an algorithm in a table, else among those registered by plugins
 */
static const char *lookup(const kernel_alg_t *list, int count,
						  transform_type_t type, uint16_t alg, u_int *bits)
{
	char *name;
	int i;

	if (bits)
	{
		*bits = 0;
	}
	for (i = 0; i < count; i++)
	{
		if (list[i].ikev2 == alg)
		{
			if (bits)
			{
				*bits = list[i].bits;
			}
			return list[i].name;
		}
	}
	if (charon && charon->kernel &&
		charon->kernel->lookup_algorithm(charon->kernel, alg, type, NULL,
										 &name))
	{
		return name;
	}
	return NULL;
}

/*
 * Described in header
 */
const char *kernel_libnl_alg_encr(uint16_t alg, u_int *icv_bits)
{
	u_int bits;
	const char *name;

	name = lookup(encr_algs, countof(encr_algs), ENCRYPTION_ALGORITHM, alg,
				  &bits);
	switch (alg)
	{	/* AEADs without a built-in name, registered by a plugin: ICV as
		 * kernel-netlink derives it from the ID */
		case ENCR_CAMELLIA_CCM_ICV8:
			bits = 64;
			break;
		case ENCR_CAMELLIA_CCM_ICV12:
			bits = 96;
			break;
		case ENCR_CAMELLIA_CCM_ICV16:
			bits = 128;
			break;
		default:
			break;
	}
	if (icv_bits)
	{
		*icv_bits = bits;
	}
	return name;
}

/*
 * Described in header
 */
const char *kernel_libnl_alg_integ(uint16_t alg, u_int *trunc_bits)
{
	return lookup(integ_algs, countof(integ_algs), INTEGRITY_ALGORITHM, alg,
				  trunc_bits);
}

/*
 * Described in header
 */
const char *kernel_libnl_alg_comp(uint16_t alg)
{
	return lookup(comp_algs, countof(comp_algs), COMPRESSION_ALGORITHM, alg,
				  NULL);
}
