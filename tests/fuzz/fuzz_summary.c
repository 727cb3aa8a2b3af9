/* libFuzzer target: bytes as a summary file, read two ways: from a file
 * (gs_summary_read, as check_greyscan and the CLI do) and from a JSON tree
 * libfastjson parsed out of the same bytes (gs_summary_from_json). */
#include <libfastjson/json.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "summary/summary.h"
#include "summary/summary_file.h"

static void from_json(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	struct gs_summary s;
	char err[512];

	if (tok == NULL || size > INT32_MAX)
		goto out;
	root = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (root == NULL)
		goto out;
	memset(&s, 0, sizeof(s));
	if (gs_summary_from_json(root, "fuzz", &s, err, sizeof(err)) == 0)
		gs_summary_free(&s);
	json_object_put(root);
out:
	if (tok != NULL)
		json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_write_input(data, size);
	struct gs_summary s;
	char err[512];

	memset(&s, 0, sizeof(s));
	if (gs_summary_read(path, &s, err, sizeof(err)) == 0)
		gs_summary_free(&s);
	from_json(data, size);
	return 0;
}
