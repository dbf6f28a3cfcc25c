// Jest's expect() with Testing Library's DOM matchers.
import '@testing-library/jest-dom';
