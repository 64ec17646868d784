-- Registry core: seeded vocabulary, categories license and usage_rights
-- (conventions: 34_vocabulary_seed.sql).
--
-- Licenses are SPDX identifiers in lower case (spdx.org/licenses), plus the
-- model licenses the Hugging Face Hub names that SPDX does not list
-- (openrail, llama3, gemma ...), under the Hub's spelling, and 'proprietary'
-- and 'other'.
--
-- GNU licenses: the short forms (gpl-2.0, gpl-3.0, lgpl-2.1, lgpl-3.0,
-- agpl-3.0) are the terms, because they are what model cards, the Hugging
-- Face Hub and GitHub write; SPDX deprecated them as ambiguous, but its
-- record of the deprecated ids gives them the meaning "this version only",
-- so the SPDX '-only' forms are synonyms of them.  The '-or-later' forms are
-- terms of their own, not synonyms: they grant more (gpl-2.0-or-later code
-- may be combined under GPL-3.0, gpl-2.0-only code may not), and a licence
-- review must be able to tell them apart.  The old '+' suffix (gpl-2.0+) is
-- a synonym of the '-or-later' term.  Unversioned names map to a version
-- only where a single version is in use (agpl, mpl, eupl); 'gpl', 'lgpl',
-- 'bsd', 'epl' and 'cc-by' are ambiguous and map to nothing.

INSERT INTO mreg.vocabulary (category, term, description, seeded, created_by, created_at)
SELECT v.category, v.term, v.description, true, 'mreg', '2026-11-30 00:00+00'
  FROM (VALUES
    -- permissive
    ('license', 'apache-2.0', 'Apache License 2.0'),
    ('license', 'mit', 'MIT License'),
    ('license', 'mit-0', 'MIT No Attribution'),
    ('license', 'bsd-2-clause', 'BSD 2-Clause "Simplified" License'),
    ('license', 'bsd-3-clause', 'BSD 3-Clause License'),
    ('license', 'bsd-3-clause-clear', 'BSD 3-Clause Clear License (no patent grant)'),
    ('license', 'bsd-4-clause', 'BSD 4-Clause "Original" License (advertising clause)'),
    ('license', '0bsd', 'BSD Zero Clause License'),
    ('license', 'isc', 'ISC License'),
    ('license', 'zlib', 'zlib License'),
    ('license', 'bsl-1.0', 'Boost Software License 1.0'),
    ('license', 'postgresql', 'PostgreSQL License'),
    ('license', 'psf-2.0', 'Python Software Foundation License 2.0'),
    ('license', 'afl-3.0', 'Academic Free License v3.0'),
    ('license', 'ecl-2.0', 'Educational Community License v2.0'),
    ('license', 'blueoak-1.0.0', 'Blue Oak Model License 1.0.0'),
    ('license', 'artistic-2.0', 'Artistic License 2.0'),
    ('license', 'ms-pl', 'Microsoft Public License'),
    ('license', 'unlicense', 'The Unlicense (public-domain dedication)'),
    ('license', 'wtfpl', 'Do What The F*ck You Want To Public License'),
    -- copyleft
    ('license', 'gpl-2.0', 'GNU General Public License v2.0 only'),
    ('license', 'gpl-2.0-or-later', 'GNU General Public License v2.0 or later'),
    ('license', 'gpl-3.0', 'GNU General Public License v3.0'),
    ('license', 'gpl-3.0-or-later', 'GNU General Public License v3.0 or later'),
    ('license', 'lgpl-2.1', 'GNU Lesser General Public License v2.1 only'),
    ('license', 'lgpl-2.1-or-later', 'GNU Lesser General Public License v2.1 or later'),
    ('license', 'lgpl-3.0', 'GNU Lesser General Public License v3.0 only'),
    ('license', 'lgpl-3.0-or-later', 'GNU Lesser General Public License v3.0 or later'),
    ('license', 'agpl-3.0', 'GNU Affero General Public License v3.0 only'),
    ('license', 'agpl-3.0-or-later', 'GNU Affero General Public License v3.0 or later'),
    ('license', 'mpl-2.0', 'Mozilla Public License 2.0'),
    ('license', 'epl-1.0', 'Eclipse Public License 1.0'),
    ('license', 'epl-2.0', 'Eclipse Public License 2.0'),
    ('license', 'eupl-1.2', 'European Union Public License 1.2'),
    ('license', 'osl-3.0', 'Open Software License 3.0'),
    -- source-available (not open source)
    ('license', 'busl-1.1', 'Business Source License 1.1'),
    ('license', 'elastic-2.0', 'Elastic License 2.0'),
    ('license', 'sspl-1.0', 'Server Side Public License v1'),
    -- content and data
    ('license', 'cc-by-3.0', 'Creative Commons Attribution 3.0 Unported'),
    ('license', 'cc-by-4.0', 'Creative Commons Attribution 4.0'),
    ('license', 'cc-by-sa-3.0', 'Creative Commons Attribution-ShareAlike 3.0 Unported'),
    ('license', 'cc-by-sa-4.0', 'Creative Commons Attribution-ShareAlike 4.0'),
    ('license', 'cc-by-nd-4.0', 'Creative Commons Attribution-NoDerivatives 4.0'),
    ('license', 'cc-by-nc-4.0', 'Creative Commons Attribution-NonCommercial 4.0'),
    ('license', 'cc-by-nc-sa-4.0', 'Creative Commons Attribution-NonCommercial-ShareAlike 4.0'),
    ('license', 'cc-by-nc-nd-4.0', 'Creative Commons Attribution-NonCommercial-NoDerivatives 4.0'),
    ('license', 'cc0-1.0', 'Creative Commons Zero'),
    ('license', 'cdla-permissive-1.0', 'Community Data License Agreement - Permissive 1.0'),
    ('license', 'cdla-permissive-2.0', 'Community Data License Agreement - Permissive 2.0'),
    ('license', 'cdla-sharing-1.0', 'Community Data License Agreement - Sharing 1.0'),
    ('license', 'c-uda-1.0', 'Computational Use of Data Agreement v1.0'),
    ('license', 'odc-by-1.0', 'Open Data Commons Attribution License v1.0'),
    ('license', 'odbl-1.0', 'Open Data Commons Open Database License v1.0'),
    ('license', 'pddl-1.0', 'Open Data Commons Public Domain Dedication and License 1.0'),
    -- model licenses (Hugging Face Hub identifiers)
    ('license', 'openrail', 'Open Responsible AI License'),
    ('license', 'openrail++', 'Open RAIL++-M License (Stable Diffusion XL)'),
    ('license', 'creativeml-openrail-m', 'CreativeML Open RAIL-M (Stable Diffusion)'),
    ('license', 'bigscience-openrail-m', 'BigScience Open RAIL-M'),
    ('license', 'bigscience-bloom-rail-1.0', 'BigScience BLOOM RAIL 1.0'),
    ('license', 'bigcode-openrail-m', 'BigCode Open RAIL-M (StarCoder)'),
    ('license', 'llama2', 'Llama 2 Community License'),
    ('license', 'llama3', 'Meta Llama 3 Community License'),
    ('license', 'llama3.1', 'Llama 3.1 Community License'),
    ('license', 'llama3.2', 'Llama 3.2 Community License'),
    ('license', 'llama3.3', 'Llama 3.3 Community License'),
    ('license', 'llama4', 'Llama 4 Community License'),
    ('license', 'gemma', 'Gemma Terms of Use'),
    -- not public
    ('license', 'proprietary', 'Internal or commercial license'),
    ('license', 'other', 'A license not listed here (name it in the model card)')
  ) AS v(category, term, description);

INSERT INTO mreg.synonym (category, term, synonym, seeded, created_by, created_at)
SELECT s.category, s.term, s.synonym, true, 'mreg', '2026-11-30 00:00+00'
  FROM (VALUES
    ('license', 'apache-2.0', 'apache 2.0'),
    ('license', 'apache-2.0', 'apache'),
    ('license', 'apache-2.0', 'asl2'),
    ('license', 'apache-2.0', 'apache2'),
    ('license', 'apache-2.0', 'apache-2'),
    ('license', 'apache-2.0', 'apache license 2.0'),
    ('license', 'mit', 'mit license'),
    ('license', 'mit', 'expat'),
    ('license', 'mit-0', 'mit-no-attribution'),
    ('license', 'bsd-2-clause', 'bsd-2'),
    ('license', 'bsd-2-clause', 'simplified-bsd'),
    ('license', 'bsd-2-clause', 'bsd-2-clause-freebsd'),
    ('license', 'bsd-3-clause', 'bsd-3'),
    ('license', 'bsd-3-clause', 'new-bsd'),
    ('license', 'bsd-3-clause', 'modified-bsd'),
    ('license', 'bsl-1.0', 'boost'),
    ('license', 'postgresql', 'postgres'),
    ('license', 'psf-2.0', 'psf'),
    ('license', 'unlicense', 'the unlicense'),
    ('license', 'gpl-2.0', 'gpl-2.0-only'),
    ('license', 'gpl-2.0', 'gplv2'),
    ('license', 'gpl-2.0', 'gpl2'),
    ('license', 'gpl-2.0-or-later', 'gpl-2.0+'),
    ('license', 'gpl-3.0', 'gpl-3.0-only'),
    ('license', 'gpl-3.0', 'gplv3'),
    ('license', 'gpl-3.0', 'gpl3'),
    ('license', 'gpl-3.0-or-later', 'gpl-3.0+'),
    ('license', 'lgpl-2.1', 'lgpl-2.1-only'),
    ('license', 'lgpl-2.1', 'lgplv2.1'),
    ('license', 'lgpl-2.1-or-later', 'lgpl-2.1+'),
    ('license', 'lgpl-3.0', 'lgpl-3.0-only'),
    ('license', 'lgpl-3.0', 'lgplv3'),
    ('license', 'lgpl-3.0-or-later', 'lgpl-3.0+'),
    ('license', 'agpl-3.0', 'agpl-3.0-only'),
    ('license', 'agpl-3.0', 'agpl'),
    ('license', 'agpl-3.0', 'agplv3'),
    ('license', 'agpl-3.0-or-later', 'agpl-3.0+'),
    ('license', 'mpl-2.0', 'mpl'),
    ('license', 'mpl-2.0', 'mpl2'),
    ('license', 'epl-2.0', 'epl2'),
    ('license', 'eupl-1.2', 'eupl'),
    ('license', 'busl-1.1', 'busl'),
    ('license', 'busl-1.1', 'business source license'),
    ('license', 'elastic-2.0', 'elv2'),
    ('license', 'sspl-1.0', 'sspl'),
    ('license', 'cc0-1.0', 'cc0'),
    ('license', 'odbl-1.0', 'odbl'),
    ('license', 'odc-by-1.0', 'odc-by'),
    ('license', 'pddl-1.0', 'pddl'),
    ('license', 'llama2', 'llama-2'),
    ('license', 'llama3', 'llama-3'),
    ('license', 'llama3.1', 'llama-3.1'),
    ('license', 'llama3.2', 'llama-3.2'),
    ('license', 'llama3.3', 'llama-3.3'),
    ('license', 'llama4', 'llama-4'),
    ('license', 'proprietary', 'internal'),
    ('license', 'proprietary', 'closed-source'),
    ('license', 'proprietary', 'all-rights-reserved'),
    ('license', 'proprietary', 'commercial')
  ) AS s(category, term, synonym);

-- ---------------------------------------------------------------- usage_rights
-- What a dataset (or model) may be used for, as agreed with its source.
-- A dataset carries one value; pick the one that binds most.
INSERT INTO mreg.vocabulary (category, term, description, seeded, created_by, created_at)
SELECT v.category, v.term, v.description, true, 'mreg', '2026-11-30 00:00+00'
  FROM (VALUES
    ('usage_rights', 'unrestricted', 'Any use'),
    ('usage_rights', 'commercial', 'Commercial use allowed'),
    ('usage_rights', 'non-commercial', 'Any use except commercial use'),
    ('usage_rights', 'internal-training', 'May train internal models'),
    ('usage_rights', 'internal-only', 'Use within the organisation only; no external products or sharing'),
    ('usage_rights', 'research-only', 'Research and evaluation only'),
    ('usage_rights', 'evaluation-only', 'Testing and benchmarking only; no training, no production use'),
    ('usage_rights', 'no-training', 'Must not be used to train models'),
    ('usage_rights', 'no-derivatives', 'Must not be modified or used to build derivative works'),
    ('usage_rights', 'no-redistribution', 'Must not be passed on to third parties'),
    ('usage_rights', 'attribution-required', 'Any use that credits the source'),
    ('usage_rights', 'share-alike', 'Derivatives must be shared under the same terms'),
    ('usage_rights', 'third-party-licensed', 'Licensed from a third party: the agreement''s terms apply'),
    ('usage_rights', 'time-limited', 'Rights end on a date set in the agreement'),
    ('usage_rights', 'consented', 'Subjects consented to this use'),
    ('usage_rights', 'legitimate-interest', 'Personal data used on the legitimate-interest basis (GDPR Art. 6(1)(f))')
  ) AS v(category, term, description);

INSERT INTO mreg.synonym (category, term, synonym, seeded, created_by, created_at)
SELECT s.category, s.term, s.synonym, true, 'mreg', '2026-11-30 00:00+00'
  FROM (VALUES
    ('usage_rights', 'unrestricted', 'any'),
    ('usage_rights', 'non-commercial', 'noncommercial'),
    ('usage_rights', 'non-commercial', 'nc'),
    ('usage_rights', 'internal-only', 'internal'),
    ('usage_rights', 'research-only', 'research'),
    ('usage_rights', 'research-only', 'academic'),
    ('usage_rights', 'evaluation-only', 'eval-only'),
    ('usage_rights', 'evaluation-only', 'benchmark-only'),
    ('usage_rights', 'no-derivatives', 'no-derivs'),
    ('usage_rights', 'no-derivatives', 'nd'),
    ('usage_rights', 'attribution-required', 'attribution'),
    ('usage_rights', 'share-alike', 'sharealike'),
    ('usage_rights', 'consented', 'consent'),
    ('usage_rights', 'consented', 'personal-data-consented')
  ) AS s(category, term, synonym);
