// Svelte 5 in runes mode throughout; TypeScript in <script lang="ts"> needs no preprocessor.
export default {
  compilerOptions: { runes: true },
}
