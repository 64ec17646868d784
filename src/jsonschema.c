/*
 * jsonschema.c: a JSON Schema subset validator for jsonb.
 *
 * mreg.metadata_schema holds, per project and entity kind, a JSON Schema
 * that metadata must satisfy.  This file checks jsonb documents against such
 * a schema:
 *
 *   mreg.jsonb_matches_schema(schema, doc)    -> boolean (stops at the first
 *                                                violation)
 *   mreg.jsonb_schema_violations(schema, doc) -> every violation as
 *                                                (path, keyword, message)
 *   mreg.jsonb_schema_check(schema)           -> true, or an error naming
 *                                                the bad place in the schema
 *
 * A schema is first compiled into a tree of JsNode (keyword values checked,
 * patterns compiled).  Any keyword outside the supported subset is an error,
 * so a schema never looks enforced while it is not.  The compiled tree is
 * cached in fn_extra keyed by the schema's bytes, so validating many rows
 * against one schema compiles it once per query.
 *
 * Semantics follow JSON Schema draft 2020-12 for the supported keywords:
 * numbers compare exactly as numeric, "integer" is any number without a
 * fractional part (1.0 is an integer), string lengths count characters, and
 * "pattern" is an unanchored search with PostgreSQL's ARE regex engine under
 * the C collation (character classes such as \w and [[:alpha:]] are ASCII).
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(mreg_jsonb_matches_schema);
PG_FUNCTION_INFO_V1(mreg_jsonb_schema_violations);
PG_FUNCTION_INFO_V1(mreg_jsonb_schema_check);

/* Bits of the "type" keyword. */
#define JST_OBJECT	0x01
#define JST_ARRAY	0x02
#define JST_STRING	0x04
#define JST_NUMBER	0x08
#define JST_INTEGER 0x10
#define JST_BOOLEAN 0x20
#define JST_NULL	0x40

static const struct
{
	const char *name;
	int			bit;
}			js_type_names[] =
{
	{"object", JST_OBJECT},
	{"array", JST_ARRAY},
	{"string", JST_STRING},
	{"number", JST_NUMBER},
	{"integer", JST_INTEGER},
	{"boolean", JST_BOOLEAN},
	{"null", JST_NULL},
};

#define JS_NTYPES lengthof(js_type_names)

/* Longest rendering of a value inside a message, in bytes (before "..."). */
#define JS_MSG_VALUE_MAX 60
#define JS_MSG_LIST_MAX 200

typedef enum JsNodeKind
{
	JSN_TRUE,					/* boolean schema true (or {}): accepts all */
	JSN_FALSE,					/* boolean schema false: accepts nothing */
	JSN_OBJECT					/* a schema object with keywords */
} JsNodeKind;

struct JsNode;

typedef struct JsProperty
{
	const char *name;			/* not NUL-terminated; points into schema */
	int			namelen;
	struct JsNode *schema;		/* NULL for "required" entries */
} JsProperty;

typedef struct JsNode
{
	JsNodeKind	kind;

	int			types;			/* JST_* bits; 0 = no "type" keyword */

	JsProperty *required;
	int			nrequired;
	JsProperty *props;			/* sorted in jsonb key order */
	int			nprops;
	struct JsNode *additional;	/* additionalProperties, or NULL */

	JsonbValue *enum_values;	/* elements of "enum", sorted by js_compare */
	int			nenum;			/* -1 = no "enum" */
	char	   *enum_text;		/* the "enum" array as messages show it */
	JsonbValue *const_value;	/* "const", or NULL */
	char	   *const_text;		/* "const" as messages show it */

	Numeric		minimum;		/* NULL when absent */
	Numeric		maximum;
	Numeric		exclusive_minimum;
	Numeric		exclusive_maximum;

	int64		min_length;		/* -1 when absent */
	int64		max_length;
	regex_t    *pattern;		/* compiled "pattern", or NULL */
	const char *pattern_src;	/* NUL-terminated source, for messages */

	struct JsNode *items;		/* "items", or NULL */
	int64		min_items;		/* -1 when absent */
	int64		max_items;
	bool		unique_items;
} JsNode;

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

/* Append one JSON Pointer reference token, escaping '~' and '/' (RFC 6901). */
static void
append_pointer_token(StringInfo path, const char *s, int len)
{
	int			i;

	appendStringInfoChar(path, '/');
	for (i = 0; i < len; i++)
	{
		if (s[i] == '~')
			appendBinaryStringInfo(path, "~0", 2);
		else if (s[i] == '/')
			appendBinaryStringInfo(path, "~1", 2);
		else
			appendStringInfoChar(path, s[i]);
	}
}

static void
append_pointer_index(StringInfo path, int64 index)
{
	appendStringInfo(path, "/" INT64_FORMAT, index);
}

/* Name of a jsonb value's JSON type, as JSON Schema spells it. */
static const char *
js_value_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvBool:
			return "boolean";
		case jbvNumeric:
			return "number";
		case jbvString:
			return "string";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "object" : "array";
		default:
			/* jbvArray/jbvObject never come out of an iterator */
			return "value";
	}
}

static int
js_numeric_cmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											 NumericGetDatum(a),
											 NumericGetDatum(b)));
}

static bool
js_numeric_is_integral(Numeric n)
{
	Numeric		fl = DatumGetNumeric(DirectFunctionCall1(numeric_floor,
														 NumericGetDatum(n)));

	return js_numeric_cmp(fl, n) == 0;
}

/*
 * A number for a message.  numeric_out writes every digit (1e400 is 401
 * characters), so long renderings switch to scientific notation with at most
 * 17 significant digits, "..." marking dropped ones: 1e+400, -1.25e-300.
 */
static char *
js_numeric_text(Numeric n)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
	const char *p = s;
	StringInfoData buf;
	int			ndigits = 0;	/* digits seen so far */
	int			intdigits = -1; /* digits before the point */
	int			first = -1;		/* index of the first nonzero digit */
	int			last = -1;		/* index of the last nonzero digit */
	char	   *digits;
	int			i;
	int			shown;
	int			exponent;

	if (strlen(s) <= JS_MSG_VALUE_MAX)
		return s;

	initStringInfo(&buf);
	if (*p == '-')
	{
		appendStringInfoChar(&buf, '-');
		p++;
	}
	digits = palloc(strlen(p) + 1);
	for (; *p; p++)
	{
		if (*p == '.')
			intdigits = ndigits;
		else if (*p >= '0' && *p <= '9')
		{
			if (*p != '0')
			{
				if (first < 0)
					first = ndigits;
				last = ndigits;
			}
			digits[ndigits++] = *p;
		}
	}
	if (intdigits < 0)
		intdigits = ndigits;
	if (first < 0)
	{
		pfree(digits);
		pfree(buf.data);
		return pstrdup("0");
	}
	exponent = intdigits - first - 1;
	shown = Min(last - first + 1, 17);
	appendStringInfoChar(&buf, digits[first]);
	if (shown > 1)
	{
		appendStringInfoChar(&buf, '.');
		for (i = 1; i < shown; i++)
			appendStringInfoChar(&buf, digits[first + i]);
	}
	if (last - first + 1 > shown)
		appendStringInfoString(&buf, "...");
	appendStringInfo(&buf, "e%s%d", exponent >= 0 ? "+" : "", exponent);
	pfree(digits);
	pfree(s);
	return buf.data;
}

/*
 * Append a JSON rendering of text to buf, clipped to at most maxbytes of the
 * source (on a character boundary) with "..." marking the cut.
 */
static void
append_clipped(StringInfo buf, const char *s, int len, int maxbytes)
{
	int			clip = len;

	if (len > maxbytes)
		clip = pg_mbcliplen(s, len, maxbytes);
	appendBinaryStringInfo(buf, s, clip);
	if (clip < len)
		appendStringInfoString(buf, "...");
}

/* Append a JSON string literal (quoted, escaped), clipped when long. */
static void
append_json_string(StringInfo buf, const char *s, int len, int maxbytes)
{
	int			clip = len;
	char	   *tmp;

	if (len > maxbytes)
		clip = pg_mbcliplen(s, len, maxbytes);
	tmp = pnstrdup(s, clip);
	escape_json(buf, tmp);
	pfree(tmp);
	if (clip < len)
	{
		/* put the ellipsis inside the closing quote */
		buf->len--;
		buf->data[buf->len] = '\0';
		appendStringInfoString(buf, "...\"");
	}
}

/* Append a JSON rendering of any jsonb value, clipped when long. */
static void
append_json_value(StringInfo buf, const JsonbValue *v, int maxbytes)
{
	switch (v->type)
	{
		case jbvNull:
			appendStringInfoString(buf, "null");
			break;
		case jbvBool:
			appendStringInfoString(buf, v->val.boolean ? "true" : "false");
			break;
		case jbvNumeric:
			{
				char	   *s = js_numeric_text(v->val.numeric);

				append_clipped(buf, s, strlen(s), maxbytes);
				pfree(s);
				break;
			}
		case jbvString:
			append_json_string(buf, v->val.string.val, v->val.string.len, maxbytes);
			break;
		case jbvBinary:
			{
				StringInfoData tmp;

				initStringInfo(&tmp);
				JsonbToCString(&tmp, v->val.binary.data, v->val.binary.len);
				append_clipped(buf, tmp.data, tmp.len, maxbytes);
				pfree(tmp.data);
				break;
			}
		default:
			appendStringInfoString(buf, "?");
			break;
	}
}

/* Order of JSON types for js_compare; object and array apart. */
static int
js_type_rank(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return 0;
		case jbvBool:
			return 1;
		case jbvNumeric:
			return 2;
		case jbvString:
			return 3;
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? 5 : 4;
		default:
			return 6;
	}
}

/*
 * A total order on jsonb values whose equality is JSON Schema's: numbers
 * equal by value (1 = 1.0), strings by their characters, arrays element by
 * element, objects key by key regardless of key order.  Container order
 * comes from jsonb's own btree comparison, which has the same equality.
 */
static int
js_compare(const JsonbValue *a, const JsonbValue *b)
{
	int			ra = js_type_rank(a);
	int			rb = js_type_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;

	switch (a->type)
	{
		case jbvNull:
			return 0;
		case jbvBool:
			if (a->val.boolean == b->val.boolean)
				return 0;
			return a->val.boolean ? 1 : -1;
		case jbvNumeric:
			return js_numeric_cmp(a->val.numeric, b->val.numeric);
		case jbvString:
			if (a->val.string.len != b->val.string.len)
				return a->val.string.len < b->val.string.len ? -1 : 1;
			return memcmp(a->val.string.val, b->val.string.val, a->val.string.len);
		case jbvBinary:
			return compareJsonbContainers(a->val.binary.data, b->val.binary.data);
		default:
			return 0;
	}
}

static bool
js_equal(const JsonbValue *a, const JsonbValue *b)
{
	return js_compare(a, b) == 0;
}

/* js_compare for qsort and bsearch over JsonbValue arrays */
static int
js_compare_qsort(const void *a, const void *b)
{
	CHECK_FOR_INTERRUPTS();
	return js_compare(a, b);
}

/*
 * The root value of a jsonb datum as a JsonbValue: a scalar, or a binary
 * container for objects and arrays.
 */
static void
js_root_value(Jsonb *jb, JsonbValue *out)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (!JsonbExtractScalar(&jb->root, out))
			elog(ERROR, "could not extract scalar from jsonb");
	}
	else
	{
		out->type = jbvBinary;
		out->val.binary.data = &jb->root;
		out->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
}

/* ------------------------------------------------------------------------
 * Schema compilation
 * ------------------------------------------------------------------------
 */

typedef enum JsKeyword
{
	KW_TYPE,
	KW_REQUIRED,
	KW_PROPERTIES,
	KW_ADDITIONAL_PROPERTIES,
	KW_ENUM,
	KW_CONST,
	KW_MINIMUM,
	KW_MAXIMUM,
	KW_EXCLUSIVE_MINIMUM,
	KW_EXCLUSIVE_MAXIMUM,
	KW_MIN_LENGTH,
	KW_MAX_LENGTH,
	KW_PATTERN,
	KW_ITEMS,
	KW_MIN_ITEMS,
	KW_MAX_ITEMS,
	KW_UNIQUE_ITEMS,
	KW_ANNOTATION_STRING,		/* title, description, $comment, $schema, $id */
	KW_ANNOTATION_ANY,			/* default */
	KW_ANNOTATION_ARRAY,		/* examples */
	KW_ANNOTATION_BOOL,			/* sensitive (mreg: personal data, masked) */
	KW_UNSUPPORTED,				/* a JSON Schema keyword outside the subset */
} JsKeyword;

static const struct
{
	const char *name;
	JsKeyword	kw;
}			js_keywords[] =
{
	{"type", KW_TYPE},
	{"required", KW_REQUIRED},
	{"properties", KW_PROPERTIES},
	{"additionalProperties", KW_ADDITIONAL_PROPERTIES},
	{"enum", KW_ENUM},
	{"const", KW_CONST},
	{"minimum", KW_MINIMUM},
	{"maximum", KW_MAXIMUM},
	{"exclusiveMinimum", KW_EXCLUSIVE_MINIMUM},
	{"exclusiveMaximum", KW_EXCLUSIVE_MAXIMUM},
	{"minLength", KW_MIN_LENGTH},
	{"maxLength", KW_MAX_LENGTH},
	{"pattern", KW_PATTERN},
	{"items", KW_ITEMS},
	{"minItems", KW_MIN_ITEMS},
	{"maxItems", KW_MAX_ITEMS},
	{"uniqueItems", KW_UNIQUE_ITEMS},
	{"title", KW_ANNOTATION_STRING},
	{"description", KW_ANNOTATION_STRING},
	{"$comment", KW_ANNOTATION_STRING},
	{"$schema", KW_ANNOTATION_STRING},
	{"$id", KW_ANNOTATION_STRING},
	{"default", KW_ANNOTATION_ANY},
	{"examples", KW_ANNOTATION_ARRAY},
	{"sensitive", KW_ANNOTATION_BOOL},
	/* JSON Schema keywords this validator does not enforce */
	{"$ref", KW_UNSUPPORTED},
	{"$defs", KW_UNSUPPORTED},
	{"definitions", KW_UNSUPPORTED},
	{"$anchor", KW_UNSUPPORTED},
	{"$dynamicRef", KW_UNSUPPORTED},
	{"$dynamicAnchor", KW_UNSUPPORTED},
	{"$recursiveRef", KW_UNSUPPORTED},
	{"$recursiveAnchor", KW_UNSUPPORTED},
	{"$vocabulary", KW_UNSUPPORTED},
	{"allOf", KW_UNSUPPORTED},
	{"anyOf", KW_UNSUPPORTED},
	{"oneOf", KW_UNSUPPORTED},
	{"not", KW_UNSUPPORTED},
	{"if", KW_UNSUPPORTED},
	{"then", KW_UNSUPPORTED},
	{"else", KW_UNSUPPORTED},
	{"dependentSchemas", KW_UNSUPPORTED},
	{"dependentRequired", KW_UNSUPPORTED},
	{"dependencies", KW_UNSUPPORTED},
	{"prefixItems", KW_UNSUPPORTED},
	{"additionalItems", KW_UNSUPPORTED},
	{"contains", KW_UNSUPPORTED},
	{"minContains", KW_UNSUPPORTED},
	{"maxContains", KW_UNSUPPORTED},
	{"unevaluatedItems", KW_UNSUPPORTED},
	{"unevaluatedProperties", KW_UNSUPPORTED},
	{"patternProperties", KW_UNSUPPORTED},
	{"propertyNames", KW_UNSUPPORTED},
	{"minProperties", KW_UNSUPPORTED},
	{"maxProperties", KW_UNSUPPORTED},
	{"multipleOf", KW_UNSUPPORTED},
	{"format", KW_UNSUPPORTED},
	{"contentEncoding", KW_UNSUPPORTED},
	{"contentMediaType", KW_UNSUPPORTED},
	{"contentSchema", KW_UNSUPPORTED},
	{"deprecated", KW_UNSUPPORTED},
	{"readOnly", KW_UNSUPPORTED},
	{"writeOnly", KW_UNSUPPORTED},
};

#define JS_SUPPORTED_HINT \
	"Supported keywords: type, required, properties, additionalProperties, enum, const, " \
	"minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern, " \
	"items, minItems, maxItems, uniqueItems; annotations title, description, $comment, " \
	"$schema, $id, default, examples; mreg's sensitive (personal data)."

/* Render a schema path for an error message. */
static const char *
js_where(StringInfo path)
{
	return path->len == 0 ? "the root" : psprintf("\"%s\"", path->data);
}

/* Report a malformed schema: SQLSTATE 22023, the schema path in the message. */
static void
js_schema_error(StringInfo path, const char *msg) pg_attribute_noreturn();

static void
js_schema_error(StringInfo path, const char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid JSON schema at %s: %s", js_where(path), msg)));
}

static JsNode *js_compile(JsonbValue *v, StringInfo path);

/* A keyword value that must be a number. */
static Numeric
js_compile_number(JsonbValue *v, StringInfo path, const char *keyword)
{
	if (v->type != jbvNumeric)
	{
		if (v->type == jbvBool &&
			(strcmp(keyword, "exclusiveMinimum") == 0 ||
			 strcmp(keyword, "exclusiveMaximum") == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid JSON schema at %s: \"%s\" must be a number, not boolean",
							js_where(path), keyword),
					 errhint("The draft-04 boolean form is not supported; write the bound itself, e.g. {\"exclusiveMinimum\": 0}.")));
		js_schema_error(path, psprintf("\"%s\" must be a number, not %s",
									   keyword, js_value_type_name(v)));
	}
	return v->val.numeric;
}

/* A keyword value that must be a non-negative integer (1.0 counts). */
static int64
js_compile_count(JsonbValue *v, StringInfo path, const char *keyword)
{
	Numeric		n;

	if (v->type != jbvNumeric)
		js_schema_error(path, psprintf("\"%s\" must be a non-negative integer, not %s",
									   keyword, js_value_type_name(v)));
	n = v->val.numeric;
	if (!js_numeric_is_integral(n) ||
		js_numeric_cmp(n, int64_to_numeric(0)) < 0)
		js_schema_error(path, psprintf("\"%s\" must be a non-negative integer, not %s",
									   keyword, js_numeric_text(n)));
	/* no document is longer than this, so larger bounds mean the same */
	if (js_numeric_cmp(n, int64_to_numeric(PG_INT64_MAX)) > 0)
		return PG_INT64_MAX;
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(n)));
}

static int
js_type_bit(const char *s, int len)
{
	int			i;

	for (i = 0; i < (int) JS_NTYPES; i++)
		if (strlen(js_type_names[i].name) == (size_t) len &&
			memcmp(js_type_names[i].name, s, len) == 0)
			return js_type_names[i].bit;
	return 0;
}

static int
js_compile_type_name(JsonbValue *v, StringInfo path)
{
	int			bit;

	if (v->type != jbvString)
		js_schema_error(path, psprintf("a type name must be a string, not %s",
									   js_value_type_name(v)));
	bit = js_type_bit(v->val.string.val, v->val.string.len);
	if (bit == 0)
	{
		StringInfoData msg;

		initStringInfo(&msg);
		appendStringInfoString(&msg, "unknown type ");
		append_json_string(&msg, v->val.string.val, v->val.string.len, JS_MSG_VALUE_MAX);
		appendStringInfoString(&msg, "; expected one of object, array, string, number, integer, boolean, null");
		js_schema_error(path, msg.data);
	}
	return bit;
}

static int
js_compile_type(JsonbValue *v, StringInfo path)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	elem;
	int			types = 0;
	int			index = 0;

	if (v->type == jbvString)
		return js_compile_type_name(v, path);
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		js_schema_error(path, psprintf("\"type\" must be a string or an array of strings, not %s",
									   js_value_type_name(v)));
	if (JsonContainerSize(v->val.binary.data) == 0)
		js_schema_error(path, "\"type\" must not be an empty array");

	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		int			save = path->len;
		int			bit;

		if (tok != WJB_ELEM)
			continue;
		append_pointer_index(path, index++);
		bit = js_compile_type_name(&elem, path);
		if (types & bit)
			js_schema_error(path, psprintf("type \"%s\" is listed twice",
										   pnstrdup(elem.val.string.val, elem.val.string.len)));
		types |= bit;
		path->len = save;
		path->data[save] = '\0';
	}
	return types;
}

/* For duplicate checks: a name or a value and its position. */
typedef struct JsIndexedName
{
	const char *name;
	int			namelen;
	int			index;
} JsIndexedName;

/* jsonb key order (length, then bytes), then position */
static int
js_indexed_name_cmp(const void *a, const void *b)
{
	const JsIndexedName *x = a;
	const JsIndexedName *y = b;
	int			c;

	CHECK_FOR_INTERRUPTS();
	if (x->namelen != y->namelen)
		return x->namelen < y->namelen ? -1 : 1;
	c = memcmp(x->name, y->name, x->namelen);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

/*
 * "required": an array of distinct strings.  The error names the first
 * element, in array order, that is not a string or repeats an earlier one.
 * Duplicates are found by sorting, so a long list takes O(n log n).
 */
static void
js_compile_required(JsNode *node, JsonbValue *v, StringInfo path)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	elem;
	int			n = 0;
	int			bad = -1;		/* first element that is not a string */
	JsonbValue	bad_elem;
	int			dup = -1;		/* first element equal to an earlier one */
	JsIndexedName *sorted;
	int			save = path->len;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		js_schema_error(path, psprintf("\"required\" must be an array of strings, not %s",
									   js_value_type_name(v)));

	node->required = palloc0(sizeof(JsProperty) * Max(1, JsonContainerSize(v->val.binary.data)));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok != WJB_ELEM)
			continue;
		if (elem.type != jbvString)
		{
			bad = n;
			bad_elem = elem;
			break;
		}
		node->required[n].name = elem.val.string.val;
		node->required[n].namelen = elem.val.string.len;
		n++;
	}

	sorted = palloc(sizeof(JsIndexedName) * Max(1, n));
	for (int i = 0; i < n; i++)
	{
		sorted[i].name = node->required[i].name;
		sorted[i].namelen = node->required[i].namelen;
		sorted[i].index = i;
	}
	qsort(sorted, n, sizeof(JsIndexedName), js_indexed_name_cmp);
	for (int i = 1; i < n; i++)
	{
		/* within a run of equal names the positions ascend: take the second */
		if (sorted[i].namelen == sorted[i - 1].namelen &&
			memcmp(sorted[i].name, sorted[i - 1].name, sorted[i].namelen) == 0 &&
			(i == 1 || sorted[i - 2].namelen != sorted[i].namelen ||
			 memcmp(sorted[i - 2].name, sorted[i].name, sorted[i].namelen) != 0) &&
			(dup < 0 || sorted[i].index < dup))
			dup = sorted[i].index;
	}
	pfree(sorted);

	if (dup >= 0)
	{
		StringInfoData msg;

		append_pointer_index(path, dup);
		initStringInfo(&msg);
		appendStringInfoString(&msg, "property ");
		append_json_string(&msg, node->required[dup].name, node->required[dup].namelen,
						   JS_MSG_VALUE_MAX);
		appendStringInfoString(&msg, " is listed twice in \"required\"");
		js_schema_error(path, msg.data);
	}
	if (bad >= 0)
	{
		append_pointer_index(path, bad);
		js_schema_error(path, psprintf("a required property name must be a string, not %s",
									   js_value_type_name(&bad_elem)));
	}
	path->len = save;
	path->data[save] = '\0';
	node->nrequired = n;
}

static void
js_compile_properties(JsNode *node, JsonbValue *v, StringInfo path)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	key;
	JsonbValue	val;
	int			n = 0;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		js_schema_error(path, psprintf("\"properties\" must be an object of schemas, not %s",
									   js_value_type_name(v)));

	node->props = palloc0(sizeof(JsProperty) * Max(1, JsonContainerSize(v->val.binary.data)));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		int			save = path->len;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);

		append_pointer_token(path, key.val.string.val, key.val.string.len);
		/* jsonb yields keys sorted (length, then bytes): keep that order */
		node->props[n].name = key.val.string.val;
		node->props[n].namelen = key.val.string.len;
		node->props[n].schema = js_compile(&val, path);
		n++;
		path->len = save;
		path->data[save] = '\0';
	}
	node->nprops = n;
}

static void
js_compile_enum(JsNode *node, JsonbValue *v, StringInfo path)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	elem;
	StringInfoData text;
	int			n = 0;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		js_schema_error(path, psprintf("\"enum\" must be an array, not %s",
									   js_value_type_name(v)));

	initStringInfo(&text);
	append_json_value(&text, v, JS_MSG_LIST_MAX);
	node->enum_text = text.data;
	node->enum_values = palloc(sizeof(JsonbValue) * Max(1, JsonContainerSize(v->val.binary.data)));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_ELEM)
			node->enum_values[n++] = elem;
	}
	/* sorted, so that a value is looked up in O(log n) */
	qsort(node->enum_values, n, sizeof(JsonbValue), js_compare_qsort);
	node->nenum = n;
}

/* Free a compiled regex when the memory context holding it goes away. */
static void
js_regex_free(void *arg)
{
	pg_regfree((regex_t *) arg);
}

static void
js_compile_pattern(JsNode *node, JsonbValue *v, StringInfo path)
{
	pg_wchar   *wide;
	int			wlen;
	int			rc;
	regex_t    *re;
	MemoryContextCallback *cb;

	if (v->type != jbvString)
		js_schema_error(path, psprintf("\"pattern\" must be a string, not %s",
									   js_value_type_name(v)));

	node->pattern_src = pnstrdup(v->val.string.val, v->val.string.len);
	wide = palloc(sizeof(pg_wchar) * (v->val.string.len + 1));
	wlen = pg_mb2wchar_with_len(v->val.string.val, wide, v->val.string.len);

	re = palloc(sizeof(regex_t));
	cb = palloc(sizeof(MemoryContextCallback));
	rc = pg_regcomp(re, wide, wlen, REG_ADVANCED, C_COLLATION_OID);
	pfree(wide);
	if (rc != REG_OKAY)
	{
		char		errstr[128];
		StringInfoData msg;

		pg_regerror(rc, re, errstr, sizeof(errstr));
		initStringInfo(&msg);
		append_json_string(&msg, v->val.string.val, v->val.string.len, JS_MSG_VALUE_MAX);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("invalid JSON schema at %s: invalid regular expression %s: %s",
						js_where(path), msg.data, errstr)));
	}
	/* The regex lives in malloc'd memory: free it with our context. */
	cb->func = js_regex_free;
	cb->arg = re;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	node->pattern = re;
}

static JsNode *
js_new_node(JsNodeKind kind)
{
	JsNode	   *node = palloc0(sizeof(JsNode));

	node->kind = kind;
	node->nenum = -1;
	node->min_length = -1;
	node->max_length = -1;
	node->min_items = -1;
	node->max_items = -1;
	return node;
}

static int
js_lookup_keyword(const char *s, int len, const char **name)
{
	int			i;

	for (i = 0; i < (int) lengthof(js_keywords); i++)
		if (strlen(js_keywords[i].name) == (size_t) len &&
			memcmp(js_keywords[i].name, s, len) == 0)
		{
			*name = js_keywords[i].name;
			return (int) js_keywords[i].kw;
		}
	*name = NULL;
	return -1;
}

/*
 * Compile one schema (a boolean, or an object of keywords) at the given
 * schema path.  Allocates in CurrentMemoryContext; keeps pointers into the
 * schema's jsonb, which must outlive the result.
 */
static JsNode *
js_compile(JsonbValue *v, StringInfo path)
{
	JsNode	   *node;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	key;
	JsonbValue	val;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	if (v->type == jbvBool)
		return js_new_node(v->val.boolean ? JSN_TRUE : JSN_FALSE);
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		js_schema_error(path, psprintf("a schema must be an object or a boolean, not %s",
									   js_value_type_name(v)));

	node = js_new_node(JSN_OBJECT);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		int			save = path->len;
		const char *kwname;
		int			kw;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);

		kw = js_lookup_keyword(key.val.string.val, key.val.string.len, &kwname);
		append_pointer_token(path, key.val.string.val, key.val.string.len);

		switch (kw)
		{
			case KW_TYPE:
				node->types = js_compile_type(&val, path);
				break;
			case KW_REQUIRED:
				js_compile_required(node, &val, path);
				break;
			case KW_PROPERTIES:
				js_compile_properties(node, &val, path);
				break;
			case KW_ADDITIONAL_PROPERTIES:
				node->additional = js_compile(&val, path);
				break;
			case KW_ENUM:
				js_compile_enum(node, &val, path);
				break;
			case KW_CONST:
				node->const_value = palloc(sizeof(JsonbValue));
				*node->const_value = val;
				{
					StringInfoData text;

					initStringInfo(&text);
					append_json_value(&text, &val, JS_MSG_LIST_MAX);
					node->const_text = text.data;
				}
				break;
			case KW_MINIMUM:
				node->minimum = js_compile_number(&val, path, kwname);
				break;
			case KW_MAXIMUM:
				node->maximum = js_compile_number(&val, path, kwname);
				break;
			case KW_EXCLUSIVE_MINIMUM:
				node->exclusive_minimum = js_compile_number(&val, path, kwname);
				break;
			case KW_EXCLUSIVE_MAXIMUM:
				node->exclusive_maximum = js_compile_number(&val, path, kwname);
				break;
			case KW_MIN_LENGTH:
				node->min_length = js_compile_count(&val, path, kwname);
				break;
			case KW_MAX_LENGTH:
				node->max_length = js_compile_count(&val, path, kwname);
				break;
			case KW_PATTERN:
				js_compile_pattern(node, &val, path);
				break;
			case KW_ITEMS:
				if (val.type == jbvBinary && JsonContainerIsArray(val.val.binary.data))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid JSON schema at %s: \"items\" must be a schema (an object or a boolean), not array",
									js_where(path)),
							 errhint("The array (tuple) form of \"items\" is not supported; \"items\" applies one schema to every element.")));
				node->items = js_compile(&val, path);
				break;
			case KW_MIN_ITEMS:
				node->min_items = js_compile_count(&val, path, kwname);
				break;
			case KW_MAX_ITEMS:
				node->max_items = js_compile_count(&val, path, kwname);
				break;
			case KW_UNIQUE_ITEMS:
				if (val.type != jbvBool)
					js_schema_error(path, psprintf("\"uniqueItems\" must be a boolean, not %s",
												   js_value_type_name(&val)));
				node->unique_items = val.val.boolean;
				break;
			case KW_ANNOTATION_STRING:
				if (val.type != jbvString)
					js_schema_error(path, psprintf("\"%s\" must be a string, not %s",
												   kwname, js_value_type_name(&val)));
				break;
			case KW_ANNOTATION_ANY:
				break;
			case KW_ANNOTATION_BOOL:
				if (val.type != jbvBool)
					js_schema_error(path, psprintf("\"%s\" must be a boolean, not %s",
												   kwname, js_value_type_name(&val)));
				break;
			case KW_ANNOTATION_ARRAY:
				if (val.type != jbvBinary || !JsonContainerIsArray(val.val.binary.data))
					js_schema_error(path, psprintf("\"%s\" must be an array, not %s",
												   kwname, js_value_type_name(&val)));
				break;
			case KW_UNSUPPORTED:
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("invalid JSON schema at %s: keyword \"%s\" is not supported",
								js_where(path), kwname),
						 errdetail("mreg validates a subset of JSON Schema and rejects other keywords rather than ignore them."),
						 errhint(JS_SUPPORTED_HINT)));
				break;
			default:
				{
					StringInfoData msg;

					initStringInfo(&msg);
					appendStringInfoString(&msg, "unknown keyword ");
					append_json_string(&msg, key.val.string.val, key.val.string.len,
									   JS_MSG_VALUE_MAX);
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid JSON schema at %s: %s", js_where(path), msg.data),
							 errhint(JS_SUPPORTED_HINT)));
				}
				break;
		}
		path->len = save;
		path->data[save] = '\0';
	}
	return node;
}

/* Compile a whole schema datum in CurrentMemoryContext. */
static JsNode *
js_compile_schema(Jsonb *schema)
{
	JsonbValue	root;
	StringInfoData path;
	JsNode	   *node;

	js_root_value(schema, &root);
	initStringInfo(&path);
	node = js_compile(&root, &path);
	pfree(path.data);
	return node;
}

/*
 * The compiled schema cached in fn_extra.  The schema's bytes are copied into
 * cxt (the tree points into them) and compared on every call.
 */
typedef struct JsCache
{
	MemoryContext cxt;
	Jsonb	   *schema;			/* NULL when nothing valid is cached */
	JsNode	   *root;
} JsCache;

static JsNode *
js_cached_schema(FunctionCallInfo fcinfo, Jsonb *schema)
{
	JsCache    *cache = (JsCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(JsCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										   "mreg JSON schema cache",
										   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	else if (cache->schema != NULL &&
			 VARSIZE(cache->schema) == VARSIZE(schema) &&
			 memcmp(cache->schema, schema, VARSIZE(schema)) == 0)
		return cache->root;

	/* Forget the old schema (frees its regexes), then compile the new one. */
	cache->schema = NULL;
	cache->root = NULL;
	MemoryContextReset(cache->cxt);

	old = MemoryContextSwitchTo(cache->cxt);
	{
		Jsonb	   *copy = palloc(VARSIZE(schema));

		memcpy(copy, schema, VARSIZE(schema));
		cache->root = js_compile_schema(copy);
		cache->schema = copy;
	}
	MemoryContextSwitchTo(old);
	return cache->root;
}

/* ------------------------------------------------------------------------
 * Validation
 * ------------------------------------------------------------------------
 */

typedef struct JsValidator
{
	bool		stop_on_first;	/* jsonb_matches_schema: any violation ends it */
	bool		failed;
	StringInfoData path;		/* JSON Pointer of the current value */
	Tuplestorestate *tupstore;	/* violations go here when not NULL */
	TupleDesc	tupdesc;
} JsValidator;

#define JS_DONE(vs) ((vs)->stop_on_first && (vs)->failed)

static void
js_report(JsValidator *vs, const char *keyword, const char *message)
{
	vs->failed = true;
	if (vs->tupstore != NULL)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(vs->path.data);
		values[1] = CStringGetTextDatum(keyword);
		values[2] = CStringGetTextDatum(message);
		tuplestore_putvalues(vs->tupstore, vs->tupdesc, values, nulls);
	}
}

static void js_validate(JsValidator *vs, JsNode *node, JsonbValue *v);

static void
js_append_expected_types(StringInfo buf, int types)
{
	int			i;
	int			count = 0;
	int			total = 0;

	for (i = 0; i < (int) JS_NTYPES; i++)
		if (types & js_type_names[i].bit)
			total++;
	for (i = 0; i < (int) JS_NTYPES; i++)
	{
		if (!(types & js_type_names[i].bit))
			continue;
		if (count > 0)
			appendStringInfoString(buf, count == total - 1 ? " or " : ", ");
		appendStringInfoString(buf, js_type_names[i].name);
		count++;
	}
}

static bool
js_type_matches(int types, const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return (types & JST_NULL) != 0;
		case jbvBool:
			return (types & JST_BOOLEAN) != 0;
		case jbvString:
			return (types & JST_STRING) != 0;
		case jbvNumeric:
			if (types & JST_NUMBER)
				return true;
			return (types & JST_INTEGER) && js_numeric_is_integral(v->val.numeric);
		case jbvBinary:
			if (JsonContainerIsObject(v->val.binary.data))
				return (types & JST_OBJECT) != 0;
			return (types & JST_ARRAY) != 0;
		default:
			return false;
	}
}

static void
js_validate_number(JsValidator *vs, JsNode *node, Numeric n)
{
	if (node->minimum && js_numeric_cmp(n, node->minimum) < 0)
	{
		js_report(vs, "minimum",
				  psprintf("value %s is below minimum %s",
						   js_numeric_text(n), js_numeric_text(node->minimum)));
		if (JS_DONE(vs))
			return;
	}
	if (node->maximum && js_numeric_cmp(n, node->maximum) > 0)
	{
		js_report(vs, "maximum",
				  psprintf("value %s is above maximum %s",
						   js_numeric_text(n), js_numeric_text(node->maximum)));
		if (JS_DONE(vs))
			return;
	}
	if (node->exclusive_minimum && js_numeric_cmp(n, node->exclusive_minimum) <= 0)
	{
		js_report(vs, "exclusiveMinimum",
				  psprintf("value %s is not above exclusive minimum %s",
						   js_numeric_text(n), js_numeric_text(node->exclusive_minimum)));
		if (JS_DONE(vs))
			return;
	}
	if (node->exclusive_maximum && js_numeric_cmp(n, node->exclusive_maximum) >= 0)
		js_report(vs, "exclusiveMaximum",
				  psprintf("value %s is not below exclusive maximum %s",
						   js_numeric_text(n), js_numeric_text(node->exclusive_maximum)));
}

static void
js_validate_string(JsValidator *vs, JsNode *node, const char *s, int len)
{
	StringInfoData msg;

	if (node->min_length >= 0 || node->max_length >= 0)
	{
		int64		nchars = pg_mbstrlen_with_len(s, len);

		if (node->min_length >= 0 && nchars < node->min_length)
		{
			initStringInfo(&msg);
			appendStringInfoString(&msg, "string ");
			append_json_string(&msg, s, len, JS_MSG_VALUE_MAX);
			appendStringInfo(&msg, " is too short: " INT64_FORMAT " character%s, minimum " INT64_FORMAT,
							 nchars, nchars == 1 ? "" : "s", node->min_length);
			js_report(vs, "minLength", msg.data);
			if (JS_DONE(vs))
				return;
		}
		if (node->max_length >= 0 && nchars > node->max_length)
		{
			initStringInfo(&msg);
			appendStringInfoString(&msg, "string ");
			append_json_string(&msg, s, len, JS_MSG_VALUE_MAX);
			appendStringInfo(&msg, " is too long: " INT64_FORMAT " character%s, maximum " INT64_FORMAT,
							 nchars, nchars == 1 ? "" : "s", node->max_length);
			js_report(vs, "maxLength", msg.data);
			if (JS_DONE(vs))
				return;
		}
	}

	if (node->pattern)
	{
		pg_wchar   *wide = palloc(sizeof(pg_wchar) * (len + 1));
		int			wlen = pg_mb2wchar_with_len(s, wide, len);
		int			rc;

		rc = pg_regexec(node->pattern, wide, wlen, 0, NULL, 0, NULL, 0);
		pfree(wide);
		if (rc == REG_NOMATCH)
		{
			initStringInfo(&msg);
			append_json_string(&msg, s, len, JS_MSG_VALUE_MAX);
			appendStringInfoString(&msg, " does not match pattern ");
			append_json_string(&msg, node->pattern_src, strlen(node->pattern_src), JS_MSG_LIST_MAX);
			js_report(vs, "pattern", msg.data);
		}
		else if (rc != REG_OKAY)
		{
			char		errstr[128];

			pg_regerror(rc, node->pattern, errstr, sizeof(errstr));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
					 errmsg("regular expression failed: %s", errstr)));
		}
	}
}

/* For uniqueItems: an element and its position. */
typedef struct JsIndexedValue
{
	JsonbValue	v;
	int			index;
} JsIndexedValue;

static int
js_indexed_cmp(const void *a, const void *b)
{
	const JsIndexedValue *x = a;
	const JsIndexedValue *y = b;
	int			c;

	CHECK_FOR_INTERRUPTS();
	c = js_compare(&x->v, &y->v);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

static void
js_validate_array(JsValidator *vs, JsNode *node, JsonbContainer *arr)
{
	int64		n = JsonContainerSize(arr);
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	elem;
	int			index;

	if (node->min_items >= 0 && n < node->min_items)
	{
		js_report(vs, "minItems",
				  psprintf("array is too short: " INT64_FORMAT " item%s, minimum " INT64_FORMAT,
						   n, n == 1 ? "" : "s", node->min_items));
		if (JS_DONE(vs))
			return;
	}
	if (node->max_items >= 0 && n > node->max_items)
	{
		js_report(vs, "maxItems",
				  psprintf("array is too long: " INT64_FORMAT " item%s, maximum " INT64_FORMAT,
						   n, n == 1 ? "" : "s", node->max_items));
		if (JS_DONE(vs))
			return;
	}

	if (node->unique_items && n > 1)
	{
		JsIndexedValue *elems = palloc(sizeof(JsIndexedValue) * n);
		int			count = 0;
		int			i;
		int			first = -1;
		int			second = -1;
		int			g;

		it = JsonbIteratorInit(arr);
		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		{
			CHECK_FOR_INTERRUPTS();
			if (tok != WJB_ELEM)
				continue;
			elems[count].v = elem;
			elems[count].index = count;
			count++;
		}
		qsort(elems, count, sizeof(JsIndexedValue), js_indexed_cmp);

		/*
		 * Report the duplicate whose later position is earliest, paired with
		 * the first element equal to it: what a reader scanning finds first.
		 * Equal elements form a run in the sorted array, in position order,
		 * so a run's first two entries are its first pair.  One pass: O(n)
		 * comparisons after the O(n log n) sort.
		 */
		for (i = 1, g = 0; i < count; i++)
		{
			if ((i & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			if (!js_equal(&elems[g].v, &elems[i].v))
			{
				g = i;
				continue;
			}
			if (i == g + 1 && (second < 0 || elems[i].index < second))
			{
				first = elems[g].index;
				second = elems[i].index;
			}
		}
		pfree(elems);
		if (second >= 0)
		{
			js_report(vs, "uniqueItems",
					  psprintf("array items %d and %d are equal", first, second));
			if (JS_DONE(vs))
				return;
		}
	}

	if (node->items == NULL || node->items->kind == JSN_TRUE)
		return;

	index = 0;
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		int			save = vs->path.len;

		if (tok != WJB_ELEM)
			continue;
		append_pointer_index(&vs->path, index);
		if (node->items->kind == JSN_FALSE)
			js_report(vs, "items",
					  psprintf("array item %d is not allowed (\"items\" is false)", index));
		else
			js_validate(vs, node->items, &elem);
		vs->path.len = save;
		vs->path.data[save] = '\0';
		index++;
		if (JS_DONE(vs))
			return;
	}
}

/* Find a property schema by name: props are sorted like jsonb keys. */
static JsProperty *
js_find_property(JsNode *node, const char *name, int len)
{
	int			lo = 0;
	int			hi = node->nprops - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		JsProperty *p = &node->props[mid];
		int			c;

		if (p->namelen != len)
			c = p->namelen < len ? -1 : 1;
		else
			c = memcmp(p->name, name, len);
		if (c == 0)
			return p;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static void
js_validate_object(JsValidator *vs, JsNode *node, JsonbContainer *obj)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	key;
	JsonbValue	val;
	int			i;

	for (i = 0; i < node->nrequired; i++)
	{
		JsonbValue	found;

		CHECK_FOR_INTERRUPTS();
		if (getKeyJsonValueFromContainer(obj, node->required[i].name,
										 node->required[i].namelen, &found) == NULL)
		{
			StringInfoData msg;

			initStringInfo(&msg);
			appendStringInfoString(&msg, "missing required property ");
			append_json_string(&msg, node->required[i].name, node->required[i].namelen,
							   JS_MSG_VALUE_MAX);
			js_report(vs, "required", msg.data);
			if (JS_DONE(vs))
				return;
		}
	}

	if (node->nprops == 0 && node->additional == NULL)
		return;

	it = JsonbIteratorInit(obj);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		JsProperty *prop;
		JsNode	   *sub;
		const char *via;
		int			save = vs->path.len;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);

		prop = js_find_property(node, key.val.string.val, key.val.string.len);
		if (prop != NULL)
		{
			sub = prop->schema;
			via = "properties";
		}
		else
		{
			sub = node->additional;
			via = "additionalProperties";
		}
		if (sub == NULL || sub->kind == JSN_TRUE)
			continue;

		append_pointer_token(&vs->path, key.val.string.val, key.val.string.len);
		if (sub->kind == JSN_FALSE)
		{
			StringInfoData msg;

			initStringInfo(&msg);
			appendStringInfoString(&msg, "property ");
			append_json_string(&msg, key.val.string.val, key.val.string.len, JS_MSG_VALUE_MAX);
			appendStringInfoString(&msg, " is not allowed");
			js_report(vs, via, msg.data);
		}
		else
			js_validate(vs, sub, &val);
		vs->path.len = save;
		vs->path.data[save] = '\0';
		if (JS_DONE(vs))
			return;
	}
}

static void
js_validate(JsValidator *vs, JsNode *node, JsonbValue *v)
{
	StringInfoData msg;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	if (node->kind == JSN_TRUE)
		return;
	if (node->kind == JSN_FALSE)
	{
		js_report(vs, "false", "no value is allowed here (the schema is false)");
		return;
	}

	if (node->types != 0 && !js_type_matches(node->types, v))
	{
		initStringInfo(&msg);
		appendStringInfoString(&msg, "expected ");
		js_append_expected_types(&msg, node->types);
		appendStringInfo(&msg, ", got %s", js_value_type_name(v));
		js_report(vs, "type", msg.data);
		if (JS_DONE(vs))
			return;
	}

	if (node->nenum >= 0)
	{
		bool		found;

		found = node->nenum > 0 &&
			bsearch(v, node->enum_values, node->nenum, sizeof(JsonbValue), js_compare_qsort) != NULL;
		if (!found)
		{
			initStringInfo(&msg);
			appendStringInfoString(&msg, "value ");
			append_json_value(&msg, v, JS_MSG_VALUE_MAX);
			appendStringInfoString(&msg, " is not one of ");
			appendStringInfoString(&msg, node->enum_text);
			js_report(vs, "enum", msg.data);
			if (JS_DONE(vs))
				return;
		}
	}

	if (node->const_value && !js_equal(v, node->const_value))
	{
		initStringInfo(&msg);
		appendStringInfoString(&msg, "value ");
		append_json_value(&msg, v, JS_MSG_VALUE_MAX);
		appendStringInfoString(&msg, " does not equal const ");
		appendStringInfoString(&msg, node->const_text);
		js_report(vs, "const", msg.data);
		if (JS_DONE(vs))
			return;
	}

	switch (v->type)
	{
		case jbvNumeric:
			js_validate_number(vs, node, v->val.numeric);
			break;
		case jbvString:
			js_validate_string(vs, node, v->val.string.val, v->val.string.len);
			break;
		case jbvBinary:
			if (JsonContainerIsObject(v->val.binary.data))
				js_validate_object(vs, node, v->val.binary.data);
			else
				js_validate_array(vs, node, v->val.binary.data);
			break;
		default:
			break;
	}
}

/* ------------------------------------------------------------------------
 * SQL-callable functions
 * ------------------------------------------------------------------------
 */

/*
 * mreg.jsonb_matches_schema(schema jsonb, doc jsonb) -> boolean
 * True when doc satisfies schema; an invalid schema is an error, never false.
 */
Datum
mreg_jsonb_matches_schema(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	Jsonb	   *doc = PG_GETARG_JSONB_P(1);
	JsNode	   *root = js_cached_schema(fcinfo, schema);
	JsValidator vs;
	JsonbValue	v;

	memset(&vs, 0, sizeof(vs));
	vs.stop_on_first = true;
	initStringInfo(&vs.path);
	js_root_value(doc, &v);
	js_validate(&vs, root, &v);
	pfree(vs.path.data);

	PG_FREE_IF_COPY(doc, 1);
	PG_RETURN_BOOL(!vs.failed);
}

/*
 * mreg.jsonb_schema_violations(schema jsonb, doc jsonb)
 *     -> TABLE(path text, keyword text, message text)
 * Every violation, in document order (a value's own checks before its
 * children's).  No rows means the document is valid.
 */
Datum
mreg_jsonb_schema_violations(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	Jsonb	   *doc = PG_GETARG_JSONB_P(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	JsNode	   *root;
	JsValidator vs;
	JsonbValue	v;

	/* Compile before touching the result set: schema errors come first. */
	root = js_cached_schema(fcinfo, schema);

#if PG_VERSION_NUM >= 150000
	InitMaterializedSRF(fcinfo, 0);
#else
	{
		TupleDesc	tupdesc;
		MemoryContext old;

		if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
			!(rsinfo->allowedModes & SFRM_Materialize))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("set-valued function called in context that cannot accept a set")));
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
		rsinfo->returnMode = SFRM_Materialize;
		rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
		rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
		MemoryContextSwitchTo(old);
	}
#endif

	memset(&vs, 0, sizeof(vs));
	vs.stop_on_first = false;
	vs.tupstore = rsinfo->setResult;
	vs.tupdesc = rsinfo->setDesc;
	initStringInfo(&vs.path);
	js_root_value(doc, &v);
	js_validate(&vs, root, &v);
	pfree(vs.path.data);

	return (Datum) 0;
}

/*
 * mreg.jsonb_schema_check(schema jsonb) -> boolean
 * True for a schema this validator can enforce; otherwise an error that
 * names the place in the schema (22023 malformed, 0A000 unsupported keyword,
 * 2201B bad pattern).
 */
Datum
mreg_jsonb_schema_check(PG_FUNCTION_ARGS)
{
	Jsonb	   *schema = PG_GETARG_JSONB_P(0);
	MemoryContext cxt;
	MemoryContext old;

	cxt = AllocSetContextCreate(CurrentMemoryContext,
								"mreg JSON schema check",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	(void) js_compile_schema(schema);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);	/* also frees compiled regexes */

	PG_FREE_IF_COPY(schema, 0);
	PG_RETURN_BOOL(true);
}
