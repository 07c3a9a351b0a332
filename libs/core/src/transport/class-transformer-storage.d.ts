// class-transformer ships the metadata storage's types apart from its CommonJS file; @nestjs/mapped-types reads
// the same module. Only read here (see validation-plan.ts).
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
