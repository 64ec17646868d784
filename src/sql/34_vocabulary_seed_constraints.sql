-- Registry core: seeded vocabulary, category constraint (conventions: 34_vocabulary_seed.sql).
-- Regulations, standards and obligations a model is subject to.  A model
-- lists every one that applies.  Names are the usual abbreviation where
-- there is one; where two laws share it, the term names the jurisdiction
-- (pdpa is Singapore's).

INSERT INTO mreg.vocabulary (category, term, description, seeded, created_by, created_at)
SELECT v.category, v.term, v.description, true, 'mreg', '2026-11-30 00:00+00'
  FROM (VALUES
    -- data protection and privacy
    ('constraint', 'gdpr', 'EU General Data Protection Regulation'),
    ('constraint', 'uk-gdpr', 'UK GDPR and Data Protection Act 2018'),
    ('constraint', 'ccpa', 'California Consumer Privacy Act'),
    ('constraint', 'lgpd', 'Brazil General Data Protection Law (Lei Geral de Proteção de Dados)'),
    ('constraint', 'pipeda', 'Canada Personal Information Protection and Electronic Documents Act'),
    ('constraint', 'pdpa', 'Singapore Personal Data Protection Act 2012'),
    ('constraint', 'pipl', 'China Personal Information Protection Law'),
    ('constraint', 'appi', 'Japan Act on the Protection of Personal Information'),
    ('constraint', 'popia', 'South Africa Protection of Personal Information Act'),
    ('constraint', 'dpdp', 'India Digital Personal Data Protection Act 2023'),
    ('constraint', 'au-privacy-act', 'Australia Privacy Act 1988'),
    ('constraint', 'coppa', 'US Children''s Online Privacy Protection Act'),
    ('constraint', 'ferpa', 'US Family Educational Rights and Privacy Act'),
    ('constraint', 'special-category-data', 'Processes special-category personal data (GDPR Art. 9: health, biometrics, ethnicity ...)'),
    ('constraint', 'data-residency', 'Data and inference must stay in a stated jurisdiction'),
    -- health
    ('constraint', 'hipaa', 'US Health Insurance Portability and Accountability Act'),
    ('constraint', 'fda-samd', 'Software as a Medical Device regulated by the US FDA'),
    ('constraint', 'eu-mdr', 'EU Medical Device Regulation (2017/745)'),
    ('constraint', '21-cfr-part-11', 'US FDA rules for electronic records and signatures (21 CFR Part 11)'),
    ('constraint', 'gxp', 'Good practice guidelines for regulated life sciences (GLP, GCP, GMP)'),
    -- finance
    ('constraint', 'pci-dss', 'Payment Card Industry Data Security Standard'),
    ('constraint', 'sox', 'Sarbanes-Oxley'),
    ('constraint', 'glba', 'US Gramm-Leach-Bliley Act (financial privacy)'),
    ('constraint', 'fair-lending', 'Fair lending rules (ECOA, FCRA)'),
    ('constraint', 'ecoa', 'US Equal Credit Opportunity Act (Regulation B): adverse action notices, no discrimination'),
    ('constraint', 'fcra', 'US Fair Credit Reporting Act'),
    ('constraint', 'sr-11-7', 'US Federal Reserve model risk management guidance'),
    ('constraint', 'pra-ss1-23', 'UK PRA SS1/23 model risk management principles for banks'),
    ('constraint', 'osfi-e-23', 'Canada OSFI Guideline E-23 on model risk management'),
    ('constraint', 'bcbs-239', 'Basel Committee principles for risk data aggregation and reporting'),
    ('constraint', 'bsa-aml', 'US Bank Secrecy Act and anti-money-laundering rules'),
    ('constraint', 'mifid-ii', 'EU Markets in Financial Instruments Directive II (incl. algorithmic trading)'),
    ('constraint', 'dora', 'EU Digital Operational Resilience Act'),
    -- AI regulation and standards
    ('constraint', 'eu-ai-act-prohibited', 'Prohibited practice under the EU AI Act (Art. 5)'),
    ('constraint', 'eu-ai-act-high-risk', 'High-risk system under the EU AI Act'),
    ('constraint', 'eu-ai-act-limited-risk', 'EU AI Act transparency obligations (Art. 50: chatbots, generated content)'),
    ('constraint', 'eu-ai-act-minimal-risk', 'Minimal-risk system under the EU AI Act (no specific obligations)'),
    ('constraint', 'eu-ai-act-gpai', 'General-purpose AI model under the EU AI Act (Art. 53)'),
    ('constraint', 'eu-ai-act-gpai-systemic-risk', 'General-purpose AI model with systemic risk under the EU AI Act (Art. 51, 55)'),
    ('constraint', 'colorado-ai-act', 'Colorado AI Act (SB 24-205): high-risk AI systems in consequential decisions'),
    ('constraint', 'nyc-local-law-144', 'New York City Local Law 144: bias audits of automated employment decision tools'),
    ('constraint', 'nist-ai-rmf', 'NIST AI Risk Management Framework'),
    ('constraint', 'iso-42001', 'ISO/IEC 42001 AI management system'),
    ('constraint', 'iso-23894', 'ISO/IEC 23894 AI risk management guidance'),
    -- security and public sector
    ('constraint', 'iso-27001', 'ISO/IEC 27001 information security management'),
    ('constraint', 'soc2', 'AICPA SOC 2 controls (security, availability, confidentiality)'),
    ('constraint', 'fedramp', 'US Federal Risk and Authorization Management Program'),
    ('constraint', 'nis2', 'EU NIS2 Directive on network and information security'),
    ('constraint', 'cjis', 'FBI Criminal Justice Information Services Security Policy'),
    ('constraint', 'itar', 'US International Traffic in Arms Regulations'),
    ('constraint', 'export-control', 'Subject to export controls (e.g. US EAR, EU dual-use regulation)'),
    ('constraint', 'dsa', 'EU Digital Services Act'),
    -- obligations of the model itself
    ('constraint', 'explainability-required', 'Decisions must be explainable to the subject'),
    ('constraint', 'human-oversight-required', 'A person reviews, or can override, each decision'),
    ('constraint', 'bias-audit-required', 'Needs periodic fairness audits across protected groups')
  ) AS v(category, term, description);

INSERT INTO mreg.synonym (category, term, synonym, seeded, created_by, created_at)
SELECT s.category, s.term, s.synonym, true, 'mreg', '2026-11-30 00:00+00'
  FROM (VALUES
    ('constraint', 'eu-ai-act-high-risk', 'ai act'),
    ('constraint', 'hipaa', 'phi'),
    ('constraint', 'hipaa', 'hitech'),
    ('constraint', 'gdpr', 'eu-gdpr'),
    ('constraint', 'uk-gdpr', 'dpa-2018'),
    ('constraint', 'ccpa', 'cpra'),
    ('constraint', 'pdpa', 'pdpa-sg'),
    ('constraint', 'dpdp', 'dpdpa'),
    ('constraint', 'dpdp', 'dpdp-act'),
    ('constraint', 'pci-dss', 'pci'),
    ('constraint', 'pci-dss', 'pcidss'),
    ('constraint', 'sox', 'sarbanes-oxley'),
    ('constraint', 'ecoa', 'reg-b'),
    ('constraint', 'ecoa', 'regulation-b'),
    ('constraint', 'sr-11-7', 'sr11-7'),
    ('constraint', 'sr-11-7', 'sr 11-7'),
    ('constraint', 'pra-ss1-23', 'ss1-23'),
    ('constraint', 'pra-ss1-23', 'ss1/23'),
    ('constraint', 'osfi-e-23', 'e-23'),
    ('constraint', 'bsa-aml', 'bsa'),
    ('constraint', 'mifid-ii', 'mifid2'),
    ('constraint', 'nyc-local-law-144', 'nyc-ll-144'),
    ('constraint', 'nyc-local-law-144', 'll144'),
    ('constraint', 'colorado-ai-act', 'sb-24-205'),
    ('constraint', 'nist-ai-rmf', 'ai-rmf'),
    ('constraint', 'iso-42001', 'iso/iec 42001'),
    ('constraint', 'iso-42001', 'iso42001'),
    ('constraint', 'iso-27001', 'iso/iec 27001'),
    ('constraint', 'iso-27001', 'iso27001'),
    ('constraint', 'soc2', 'soc-2'),
    ('constraint', 'soc2', 'soc 2'),
    ('constraint', 'dsa', 'digital-services-act'),
    ('constraint', 'export-control', 'ear'),
    ('constraint', 'explainability-required', 'explainability'),
    ('constraint', 'human-oversight-required', 'human-in-the-loop'),
    ('constraint', 'human-oversight-required', 'hitl'),
    ('constraint', 'special-category-data', 'sensitive-data')
  ) AS s(category, term, synonym);
