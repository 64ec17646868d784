# awk -v name=SCHEMA.FUNCTION -f pick.awk src/sql/NN_file.sql
# The function's definition as the install file has it now, made with
# CREATE OR REPLACE, and its COMMENT: what a delta line "-- @replace NAME"
# stands for in the upgrade script (Makefile), so a delta names the
# functions it changes instead of keeping copies of them.  Fails when the
# file defines no such function.
index($0, "CREATE FUNCTION " name "(") == 1 { p = 1; found = 1; sub(/^CREATE FUNCTION/, "CREATE OR REPLACE FUNCTION") }
index($0, "COMMENT ON FUNCTION " name "(") == 1 { p = 2 }
p { print }
p == 1 && /^(\$\$|END);$/ { p = 0 }
p == 2 && /;$/ { p = 0 }
END {
	if (!found) { print "pick.awk: no function " name " in " FILENAME > "/dev/stderr"; exit 1 }
}
