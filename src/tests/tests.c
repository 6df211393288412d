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

#include <kernel_libnl_msg.h>

#include <stdlib.h>

/**
 * Suites to run, in order
 */
static Suite *(*suites[])() = {
	msg_suite_create,
	socket_suite_create,
	selector_suite_create,
	registry_suite_create,
	hostpool_suite_create,
	algs_suite_create,
	sa_suite_create,
	policy_store_suite_create,
	policy_suite_create,
	events_suite_create,
	spdh_suite_create,
	pace_suite_create,
};

int main(int argc, char *argv[])
{
	SRunner *runner;
	int i, failed;

	/* strongSwan's settings must not come from the system's config */
	setenv("STRONGSWAN_CONF", TESTS_CONF, 1);
	if (!library_init(NULL, "kernel-libnl-tests"))
	{
		library_deinit();
		return EXIT_FAILURE;
	}
	/* as the plugin does when loaded */
	kernel_libnl_msg_init();
	runner = srunner_create(NULL);
	for (i = 0; i < countof(suites); i++)
	{
		srunner_add_suite(runner, suites[i]());
	}
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	library_deinit();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
