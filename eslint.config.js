import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fixtures/', 'bench/.peers/', '.tmp/']},
	js.configs.recommended,
	...tseslint.configs.strict,
	{
		files: ['**/*.{ts,tsx}'],
		plugins: {'react-hooks': reactHooks},
		languageOptions: {globals: {...globals.node}},
		rules: {
			...reactHooks.configs.recommended.rules,
			'react-hooks/exhaustive-deps': 'error',
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
			'@typescript-eslint/no-non-null-assertion': 'off',
		},
	},
	{
		files: ['**/*.{js,mjs}'],
		languageOptions: {globals: {...globals.node, ...globals.browser}},
	},
);
