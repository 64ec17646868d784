/*
 * pictures.c: escaping for the pictures (src/sql/78_pictures.sql):
 * mreg_internal.markup_escape(text) turns any text from the database into
 * character data that is safe in HTML5 and XML (SVG) alike, inside an
 * element or inside a quoted attribute (single or double quotes).
 *
 *   &  <  >  "  '        ->  &amp; &lt; &gt; &quot; &#39;
 *   TAB LF CR            ->  kept
 *   other C0 controls, DEL, C1 controls (U+0080..U+009F), U+FFFE, U+FFFF
 *                        ->  &#xFFFD; (REPLACEMENT CHARACTER: visible, and a
 *                            character XML 1.0 allows; the originals make an
 *                            SVG document ill-formed or are remapped by HTML)
 *
 * Everything else is copied byte for byte.  Since ">" is always escaped,
 * "]]>" and "-->" cannot end a CDATA section or a comment, and "<" never
 * opens a tag, so "<script>" is text.  In a non-UTF-8 database only the
 * ASCII rules apply (multibyte characters are copied whole).
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define REPLACEMENT "&#xFFFD;"

/* whether a code point may not appear in a picture as it is */
static bool
cp_replaced(pg_wchar cp)
{
	if (cp < 0x20)
		return cp != 0x09 && cp != 0x0A && cp != 0x0D;
	if (cp >= 0x7F && cp <= 0x9F)
		return true;
	return cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF;
}

PG_FUNCTION_INFO_V1(mreg_markup_escape);
Datum
mreg_markup_escape(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const unsigned char *s = (const unsigned char *) VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;
	StringInfoData out;
	int			i = 0;

	initStringInfo(&out);
	while (i < len)
	{
		unsigned char c = s[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (c < 0x80)
		{
			switch (c)
			{
				case '&':
					appendStringInfoString(&out, "&amp;");
					break;
				case '<':
					appendStringInfoString(&out, "&lt;");
					break;
				case '>':
					appendStringInfoString(&out, "&gt;");
					break;
				case '"':
					appendStringInfoString(&out, "&quot;");
					break;
				case '\'':
					appendStringInfoString(&out, "&#39;");
					break;
				default:
					if (cp_replaced(c))
						appendStringInfoString(&out, REPLACEMENT);
					else
						appendStringInfoChar(&out, (char) c);
			}
			i++;
			continue;
		}
		if (utf8)
		{
			int			n = pg_utf_mblen(s + i);

			/* stored text is valid UTF-8; a short or broken tail is replaced, never read past */
			if (n < 2 || n > len - i || !pg_utf8_islegal(s + i, n))
			{
				appendStringInfoString(&out, REPLACEMENT);
				i++;
				continue;
			}
			if (cp_replaced(utf8_to_unicode(s + i)))
				appendStringInfoString(&out, REPLACEMENT);
			else
				appendBinaryStringInfo(&out, (const char *) s + i, n);
			i += n;
		}
		else
		{
			int			n = pg_mblen((const char *) s + i);

			if (n < 1 || n > len - i)
				n = len - i;
			appendBinaryStringInfo(&out, (const char *) s + i, n);
			i += n;
		}
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
