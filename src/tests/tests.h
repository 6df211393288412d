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

/**
 * Unit test suites of kernel-libnl (Check).  They need no root and no
 * kernel: message building and parsing, error mapping, pure logic.
 */

#ifndef KERNEL_LIBNL_TESTS_H_
#define KERNEL_LIBNL_TESTS_H_

/* first: it sets up _GNU_SOURCE for the system headers */
#include <library.h>
#include <check.h>

Suite *msg_suite_create();
Suite *socket_suite_create();
Suite *selector_suite_create();
Suite *registry_suite_create();
Suite *hostpool_suite_create();
Suite *algs_suite_create();
Suite *sa_suite_create();
Suite *policy_store_suite_create();
Suite *policy_suite_create();
Suite *events_suite_create();
Suite *spdh_suite_create();
Suite *pace_suite_create();

/**
 * If set, called by the free() that test_msg.c interposes for every block
 * freed (with its usable size), so any suite can check that key material is
 * wiped before it is freed.
 */
extern void (*tests_free_hook)(void *ptr, size_t len);

#endif /* KERNEL_LIBNL_TESTS_H_ */
