/* scratch_dir.h - a temporary directory for one cmocka test group.
 *
 * Pass scratch_dir_setup / scratch_dir_teardown as the group's setup and
 * teardown: the directory (scratch_dir) is made before the first test and
 * removed, with everything in it, after the last. Header-only: each test
 * program includes it once.
 */
#ifndef SNN_TESTS_SCRATCH_DIR_H
#define SNN_TESTS_SCRATCH_DIR_H

#include <stdio.h>
#include <stdlib.h>

static char scratch_dir[] = "/tmp/snn-test-XXXXXX";

static int scratch_dir_setup(void **state)
{
    (void)state;
    return mkdtemp(scratch_dir) ? 0 : -1;
}

static int scratch_dir_teardown(void **state)
{
    (void)state;
    char cmd[sizeof scratch_dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    return system(cmd);
}

#endif
