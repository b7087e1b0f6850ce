-- The metrics of the domain. Metrics are data: more can be added without code.
INSERT INTO metrics (key, name_vi, name_en, verb_vi, verb_en, noun_vi, noun_en, position) VALUES
  ('collected',    'Thu nhận hồ sơ',        'Applications collected', 'thu nhận',  'collected', 'tài khoản ĐDĐT', 'e-ID accounts', 10),
  ('issued',       'Cấp tài khoản',         'Accounts issued',        'cấp',       'issued',    'tài khoản ĐDĐT', 'e-ID accounts', 20),
  ('activated',    'Kích hoạt',             'Accounts activated',     'kích hoạt', 'activated', 'tài khoản ĐDĐT', 'e-ID accounts', 30),
  ('activated_l2', 'Kích hoạt mức 2',       'Level 2 activated',      'kích hoạt mức 2', 'activated at level 2', 'tài khoản ĐDĐT', 'e-ID accounts', 40),
  ('cccd_issued',  'Thẻ CCCD gắn chip',     'Chip ID cards issued',   'cấp',       'issued',    'thẻ CCCD gắn chip', 'chip ID cards', 50);
